package fr.crt.hub.mssante;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import fr.crt.hub.xdm.Code;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The XDS value sets of {@code mappings/document-types.yaml} (JDV_J07 typeCode, JDV_J08 confidentialityCode) and the
 * OID to FHIR system table: turns an XDS code into a FHIR Coding, and checks a typeCode a person enters.
 */
@Component
public class DocumentTypes {

    private final Map<String, String> systems = new HashMap<>();
    private final Map<String, Code> typeCodes = new HashMap<>();
    private final Map<String, Code> confidentialityCodes = new HashMap<>();

    public DocumentTypes(@Value("${hub.mappings.dir:${hub.home:.}/mappings}") Path dir) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("document-types.yaml").toFile());
            root.path("codeSystems").fields().forEachRemaining(e -> systems.put(e.getKey(), e.getValue().asText()));
            root.path("typeCodes").forEach(n -> typeCodes.put(n.path("code").asText(), code(n)));
            root.path("confidentialityCodes").forEach(n -> confidentialityCodes.put(n.path("code").asText(), code(n)));
        } catch (IOException e) {
            throw new UncheckedIOException("mappings/document-types.yaml: " + e.getMessage(), e);
        }
    }

    private static Code code(JsonNode n) {
        return new Code(n.path("code").asText(), n.path("system").asText(), n.path("display").asText());
    }

    /** A J07 typeCode, if it is one. */
    public Optional<Code> typeCode(String code) {
        return Optional.ofNullable(typeCodes.get(code));
    }

    public Optional<Code> confidentialityCode(String code) {
        return Optional.ofNullable(confidentialityCodes.get(code));
    }

    /** FHIR system of an XDS codingScheme OID: the table, else {@code urn:oid:}. */
    public String system(String oid) {
        if (oid == null || oid.isBlank()) return null;
        return systems.getOrDefault(oid, oid.startsWith("urn:") || oid.startsWith("http") ? oid : "urn:oid:" + oid);
    }

    /** The XDS OID of a FHIR system (reverse of {@link #system}). */
    public String oid(String system) {
        if (system == null) return null;
        for (Map.Entry<String, String> e : systems.entrySet()) if (e.getValue().equals(system)) return e.getKey();
        return system.startsWith("urn:oid:") ? system.substring(8) : system;
    }

    /** FHIR Coding of an XDS code; the display of the value set wins over the one of the sender. */
    public Coding coding(Code c) {
        if (c == null) return null;
        Code known = typeCodes.get(c.code());
        if (known == null || !known.scheme().equals(c.scheme())) known = confidentialityCodes.get(c.code());
        String display = known != null && known.scheme().equals(c.scheme()) ? known.display() : c.display();
        return new Coding(system(c.scheme()), c.code(), display);
    }
}
