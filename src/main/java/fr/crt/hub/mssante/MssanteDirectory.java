package fr.crt.hub.mssante;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * MSSanté recipients and their role ({@code mappings/mssante-directory.yaml}), re-read when the file changes. An
 * address that is not listed has no role, so nothing is sent to it.
 */
@Component
public class MssanteDirectory {

    private static final Logger log = LoggerFactory.getLogger(MssanteDirectory.class);
    private final Path file;
    private volatile Map<String, String> roles = Map.of();
    private volatile FileTime loadedAt;

    public MssanteDirectory(@Value("${hub.mappings.dir:${hub.home:.}/mappings}") Path dir) {
        this.file = dir.resolve("mssante-directory.yaml");
        reload();
    }

    public Optional<String> role(String address) {
        reload();
        return address == null ? Optional.empty() : Optional.ofNullable(roles.get(address.trim().toLowerCase(Locale.ROOT)));
    }

    private synchronized void reload() {
        try {
            if (!Files.isRegularFile(file)) return;
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(loadedAt)) return;
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            Map<String, String> next = new HashMap<>();
            root.path("recipients").forEach(r -> next.put(r.path("address").asText().toLowerCase(Locale.ROOT), r.path("role").asText()));
            roles = Map.copyOf(next);
            loadedAt = t;
        } catch (IOException | RuntimeException e) {
            log.error("MSSanté directory {} not reloaded, previous kept: {}", file, e.getMessage());
        }
    }
}
