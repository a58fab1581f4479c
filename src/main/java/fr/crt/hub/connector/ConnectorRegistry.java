package fr.crt.hub.connector;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The partners the hub knows, read from {@code connectors/*.yaml}. Files are re-read when they change, so
 * adding or editing a partner needs no restart; a file that does not parse is reported and the previous
 * version of the registry is kept, so one typo never disconnects every partner.
 */
@Component
public class ConnectorRegistry {

    private static final Logger log = LoggerFactory.getLogger(ConnectorRegistry.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final Path dir;
    /** Files of these kinds describe a national service endpoint, not an HL7 partner: see {@link #services}. */
    public static final java.util.Set<String> SERVICE_KINDS = java.util.Set.of("insi", "mssante", "dmp");

    private volatile Map<String, Connector> byId = Map.of();
    private volatile Map<String, com.fasterxml.jackson.databind.JsonNode> services = Map.of();
    private volatile Map<Path, FileTime> seen = Map.of();

    private final ApplicationEventPublisher events;

    /** A registry that tells no one of its reloads (tools and tests reading a folder once). */
    public ConnectorRegistry(ConnectorProperties properties) {
        this(properties, event -> { });
    }

    @Autowired
    public ConnectorRegistry(ConnectorProperties properties, ApplicationEventPublisher events) {
        this.dir = properties.dir();
        this.events = events;
        reload();
        if (byId.isEmpty()) log.warn("No connector file in {}: every inbound message will be refused", dir.toAbsolutePath());
    }

    public Collection<Connector> all() {
        return byId.values();
    }

    public Optional<Connector> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * Service endpoint files ({@code kind} in {@link #SERVICE_KINDS}) of {@code kind}, each read into {@code type}
     * (a record of the capability that owns the kind). Same reload rules as partner files.
     */
    public <T> List<T> services(String kind, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode node : services.values()) {
            if (kind.equals(node.path("kind").asText())) {
                try {
                    out.add(YAML.treeToValue(node, type));
                } catch (IOException e) {
                    throw new IllegalArgumentException("connector " + node.path("id").asText() + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** The partner whose connector declares this MSH-3 / MSH-4 pair (namespace ids), if any. */
    public Optional<Connector> bySender(String sendingApplication, String sendingFacility) {
        return byId.values().stream()
                .filter(c -> c.inbound() != null && contains(c.inbound().sendingApplication(), sendingApplication)
                        && contains(c.inbound().sendingFacility(), sendingFacility))
                .findFirst();
    }

    /** The partner whose connector declares this TLS client certificate, if any. */
    public Optional<Connector> byCertificate(ClientCertificate presented) {
        if (presented == null) return Optional.empty();
        return byId.values().stream().filter(c -> c.presents(presented)).findFirst();
    }

    /** The partner whose connector declares this OAuth2 client id, if any. */
    public Optional<Connector> byOAuth2ClientId(String clientId) {
        if (clientId == null || clientId.isBlank()) return Optional.empty();
        return byId.values().stream()
                .filter(c -> c.inbound() != null && clientId.equals(c.inbound().oauth2ClientId()))
                .findFirst();
    }

    private static boolean contains(List<String> values, String v) {
        return values != null && v != null && values.stream().anyMatch(x -> x.equalsIgnoreCase(v.trim()));
    }

    /** Re-reads the folder when a file was added, changed or removed. */
    @Scheduled(fixedDelayString = "${hub.connectors.reload-interval:5s}")
    public synchronized void reload() {
        Map<Path, FileTime> now = scan();
        if (now.equals(seen)) return;
        Map<String, Connector> loaded = new LinkedHashMap<>();
        Map<String, com.fasterxml.jackson.databind.JsonNode> loadedServices = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Path file : now.keySet()) {
            try {
                com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(file.toFile());
                String kind = tree == null ? "" : tree.path("kind").asText();
                if (SERVICE_KINDS.contains(kind)) {
                    String id = tree.path("id").asText();
                    if (id.isBlank()) throw new IllegalArgumentException("id is required");
                    if (loadedServices.putIfAbsent(id, tree) != null || loaded.containsKey(id)) {
                        errors.add(file.getFileName() + ": duplicate id " + id);
                    }
                    continue;
                }
                Connector c = parse(file);
                if (loaded.putIfAbsent(c.id(), c) != null || loadedServices.containsKey(c.id())) errors.add(file.getFileName() + ": duplicate id " + c.id());
            } catch (IOException | IllegalArgumentException e) {
                errors.add(file.getFileName() + ": " + e.getMessage());
            }
        }
        if (!errors.isEmpty() && !byId.isEmpty()) {
            log.error("Connector files not reloaded, previous set kept: {}", errors);
            return;
        }
        errors.forEach(err -> log.error("Connector file ignored: {}", err));
        byId = Map.copyOf(loaded);
        services = Map.copyOf(loadedServices);
        seen = now;
        log.info("Connectors loaded: partners {}, services {}", loaded.keySet(), loadedServices.keySet());
        events.publishEvent(new ConnectorsReloaded(byId.keySet(), services.keySet()));
    }

    static Connector parse(Path file) throws IOException {
        Connector c = YAML.readValue(file.toFile(), Connector.class);
        if (c.id() == null || c.id().isBlank()) throw new IllegalArgumentException("id is required");
        if (c.inbound() == null) throw new IllegalArgumentException("inbound is required");
        return c;
    }

    private Map<Path, FileTime> scan() {
        if (!Files.isDirectory(dir)) return Map.of();
        Map<Path, FileTime> result = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
                result.put(p, Files.getLastModifiedTime(p));
            }
        } catch (IOException e) {
            log.error("Cannot list connector folder {}: {}", dir, e.getMessage());
            return seen;
        }
        return result;
    }
}
