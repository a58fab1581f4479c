package fr.crt.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The role-access matrix of {@code mappings/access-matrix.yaml}: which recipient role may receive which document type
 * (XDS typeCode). Re-read when the file changes; a file that does not parse keeps the previous matrix, and no matrix
 * at all refuses everything (least privilege).
 */
@Component
public class AccessMatrix {

    private static final Logger log = LoggerFactory.getLogger(AccessMatrix.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;
    private volatile Map<String, Set<String>> allowed = Map.of();
    private volatile FileTime loadedAt;

    public AccessMatrix(@Value("${hub.mappings.dir:${hub.home:.}/mappings}") Path dir) {
        this.file = dir.resolve("access-matrix.yaml");
        reloadIfChanged();
    }

    /** True when {@code role} may receive a document of {@code typeCode}. */
    public boolean allows(String role, String typeCode) {
        reloadIfChanged();
        if (role == null || typeCode == null) return false;
        Set<String> types = allowed.get(role);
        return types != null && (types.contains("*") || types.contains(typeCode));
    }

    synchronized void reloadIfChanged() {
        try {
            if (!Files.isRegularFile(file)) {
                if (loadedAt != null) log.error("Access matrix {} removed: previous matrix kept", file);
                return;
            }
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(loadedAt)) return;
            JsonNode root = YAML.readTree(file.toFile());
            Map<String, Set<String>> next = new HashMap<>();
            root.path("roles").fields().forEachRemaining(e -> {
                Set<String> types = new HashSet<>();
                e.getValue().path("allow").forEach(v -> types.add(v.asText()));
                next.put(e.getKey(), Set.copyOf(types));
            });
            allowed = Map.copyOf(next);
            loadedAt = t;
            log.info("Access matrix loaded: roles {}", next.keySet());
        } catch (IOException | RuntimeException e) {
            log.error("Access matrix {} not reloaded, previous kept: {}", file, e.getMessage());
        }
    }
}
