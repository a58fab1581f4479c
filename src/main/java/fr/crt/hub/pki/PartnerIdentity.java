package fr.crt.hub.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who a partner certificate is for, read from its {@code connectors/*.yaml} file (id, organisation name, FINESS).
 * Read leniently: the PKI only needs these three fields, and must not fail on a connector field it does not know.
 */
record PartnerIdentity(String id, String organisationName, String finess) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Every connector file in the folder that has an id, in file-name order. */
    static List<PartnerIdentity> readAll(Path connectorsDir) throws IOException {
        List<PartnerIdentity> result = new ArrayList<>();
        if (connectorsDir == null || !Files.isDirectory(connectorsDir)) return result;
        try (Stream<Path> files = Files.list(connectorsDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                read(f).ifPresent(result::add);
            }
        }
        return result;
    }

    /** The partner with this id, from its connector file, or one named after the id alone. */
    static PartnerIdentity find(Path connectorsDir, String id) throws IOException {
        return readAll(connectorsDir).stream().filter(p -> p.id().equals(id)).findFirst()
                .orElse(new PartnerIdentity(id, id, null));
    }

    static Optional<PartnerIdentity> read(Path file) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        if (root == null || !root.hasNonNull("id") || root.get("id").asText().isBlank()) return Optional.empty();
        // national service endpoints (kind insi, mssante, dmp) are not partners: no connector certificate for them
        if (fr.crt.hub.connector.ConnectorRegistry.SERVICE_KINDS.contains(root.path("kind").asText())) return Optional.empty();
        String id = root.get("id").asText().trim();
        JsonNode org = root.path("organisation");
        String name = org.hasNonNull("name") ? org.get("name").asText() : id;
        String finess = org.hasNonNull("finess") ? org.get("finess").asText() : null;
        return Optional.of(new PartnerIdentity(id, name, finess));
    }
}
