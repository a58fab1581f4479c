package fr.crt.hub.access;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The access matrix of {@code mappings/access-matrix.yaml}: role × kind of data → read / write / none, with the
 * health documents by J07 typeCode, restricted-document readers and emergency-access roles.
 *
 * <p>Roles are TRE_G15 profession codes ({@code "10"}, {@code "60"}…), CRT roles ({@code coordinator},
 * {@code home-help-worker}…) and partner structure kinds ({@code ehpad}, {@code ssiad}, {@code saad},
 * {@code hospital}). Kinds of data are the keys of {@code kinds} ({@code identity}, {@code stays}, {@code ppcs}…)
 * and {@code document:<typeCode>} for documents.
 *
 * <p>The file is re-read when it changes (checked every {@code hub.access.reload-interval}, default 5 s); a file
 * that does not parse is reported and the previous matrix kept, so a typo never opens nor closes everything.
 */
@Component
public class AccessMatrix {

    public static final String DOCUMENT_PREFIX = "document:";
    public static final String DEFAULT_DOCUMENT = "default";
    public static final String EMERGENCY_REASON_HEADER = "X-Emergency-Reason";

    private static final Logger log = LoggerFactory.getLogger(AccessMatrix.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final FhirContext R4 = FhirContext.forR4Cached();

    private final Path file;
    private volatile Data data;
    private volatile FileTime seen;

    @org.springframework.beans.factory.annotation.Autowired
    public AccessMatrix(AccessProperties properties) {
        this(properties.matrix());
    }

    /** A matrix read from {@code file}; throws if the first read fails (the hub must not start without one). */
    public AccessMatrix(Path file) {
        this.file = file;
        try {
            this.seen = Files.getLastModifiedTime(file);
            this.data = parse(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("access matrix " + file.toAbsolutePath() + " unreadable: " + e.getMessage(), e);
        }
        log.info("Access matrix loaded: {} roles, {} kinds of data", data.roles.size(), data.access.size());
    }

    // ------------------------------------------------------------------ questions

    /** Whether {@code role} may do {@code wanted} with {@code dataKind} (a kind, or {@code document:<typeCode>}). */
    public boolean allows(String role, String dataKind, Access wanted) {
        return access(role, dataKind).permits(wanted);
    }

    /** What {@code role} may do with {@code dataKind}; unknown roles or kinds get {@link Access#NONE}. */
    public Access access(String role, String dataKind) {
        if (role == null || dataKind == null) return Access.NONE;
        Data d = data;
        Map<String, Access> row = d.access.get(dataKind);
        if (row == null && dataKind.startsWith(DOCUMENT_PREFIX)) row = d.access.get(DOCUMENT_PREFIX + DEFAULT_DOCUMENT);
        if (row == null) return Access.NONE;
        return row.getOrDefault(role, Access.NONE);
    }

    /** Whether a recipient of {@code role} may receive a document of J07 {@code typeCode} (MSSanté, outbound). */
    public boolean canReceiveDocument(String role, String typeCode) {
        return allows(role, documentKind(typeCode), Access.READ);
    }

    /** {@code document:<typeCode>}, or the default document kind when the type is not in the matrix. */
    public String documentKind(String typeCode) {
        if (typeCode != null && data.access.containsKey(DOCUMENT_PREFIX + typeCode)) return DOCUMENT_PREFIX + typeCode;
        return DOCUMENT_PREFIX + DEFAULT_DOCUMENT;
    }

    /**
     * The kind of data {@code resource} belongs to, or null when it is none (directory data, technical resources).
     * A DocumentReference is {@code document:<first LOINC type code>}. A Consent holding a {@code deny} provision is the
     * person's opposition ({@link ConsentRules}): rows matching by profile never take it, so that declaring a profile
     * (e.g. the TDDUI Consent Accord, kind {@code projet-personnalise}) cannot move an opposition out of the rows that
     * say who may read and write oppositions.
     */
    public String kindOf(IBaseResource resource) {
        if (resource == null) return null;
        if (resource instanceof DocumentReference doc) return documentKind(loincType(doc));
        String type = R4.getResourceType(resource);
        boolean opposition = resource instanceof Consent c && ConsentRules.deniesAnything(c);
        for (Map.Entry<String, List<Match>> e : data.matches.entrySet()) {
            for (Match m : e.getValue()) {
                if (m.profile != null && opposition) continue;
                if (m.type.equals(type) && (m.category == null || hasCategory(resource, m.category))
                        && (m.profile == null || hasProfile(resource, m.profile))) return e.getKey();
            }
        }
        return null;
    }

    /** Whether {@code resourceType} is directory data (about no one person), readable by any care-circle caller. */
    public boolean isDirectory(String resourceType) {
        return data.directory.contains(resourceType);
    }

    /** Resource types of which {@code role} may read (or write) at least one kind. */
    public Set<String> resourceTypes(String role, Access wanted) {
        Set<String> out = new LinkedHashSet<>();
        Data d = data;
        for (Map.Entry<String, Map<String, Access>> row : d.access.entrySet()) {
            if (!row.getValue().getOrDefault(role, Access.NONE).permits(wanted) || wanted == Access.NONE) continue;
            if (row.getKey().startsWith(DOCUMENT_PREFIX)) {
                out.add("DocumentReference");
            } else {
                d.matches.getOrDefault(row.getKey(), List.of()).forEach(m -> out.add(m.type));
            }
        }
        return out;
    }

    public Set<String> roles() {
        return data.roles.keySet();
    }

    /** {@code profession}, {@code crt} or {@code structure}. */
    public String roleType(String role) {
        return data.roles.get(role);
    }

    public boolean isRole(String role) {
        return role != null && data.roles.containsKey(role);
    }

    /** Every kind of data, the document kinds included ({@code document:<typeCode>}, {@code document:default}). */
    public Set<String> dataKinds() {
        return data.access.keySet();
    }

    /** Resource type and, when the kind is split by category, the category code of {@code dataKind}. */
    public List<Match> matchesOf(String dataKind) {
        return data.matches.getOrDefault(dataKind, List.of());
    }

    public boolean mayReadRestricted(String role) {
        return data.restricted.contains(role);
    }

    public boolean mayReadVeryRestricted(String role) {
        return data.veryRestricted.contains(role);
    }

    public boolean emergencyAllowed(String role) {
        return data.emergencyRoles.contains(role);
    }

    public Duration emergencyDuration() {
        return data.emergencyDuration;
    }

    /** The element paths {@code role} may not see in a resource of {@code resourceType} (section {@code masks}). */
    /** Whether {@code role} has any element mask (most roles have none: their searches are not inspected). */
    public boolean hasMasks(String role) {
        return role != null && !data.masks.getOrDefault(role, Map.of()).isEmpty();
    }

    public List<ElementPath> masksOf(String role, String resourceType) {
        if (role == null) return List.of();
        return data.masks.getOrDefault(role, Map.of()).getOrDefault(resourceType, List.of());
    }

    // ------------------------------------------------------------------ reload

    /** Re-reads the file when it changed; keeps the previous matrix when the new one does not parse. */
    @Scheduled(fixedDelayString = "${hub.access.reload-interval:5s}")
    public synchronized void reload() {
        FileTime now;
        try {
            now = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            log.error("Access matrix {} unreadable ({}): previous matrix kept", file, e.getMessage());
            return;
        }
        if (now.equals(seen)) return;
        try {
            data = parse(file);
            seen = now;
            log.info("Access matrix reloaded: {} roles, {} kinds of data", data.roles.size(), data.access.size());
        } catch (IOException | RuntimeException e) {
            seen = now; // report once per change, not every tick
            log.error("Access matrix {} not reloaded, previous matrix kept: {}", file, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Resource type and optional category code and declared profile ({@code meta.profile}) a kind of data covers.
     * Kinds are tried in file order: the first that matches is the resource's kind.
     */
    public record Match(String type, String category, String profile) {}

    private record Data(Map<String, String> roles, Map<String, Map<String, Access>> access,
                        Map<String, List<Match>> matches, Set<String> directory, Set<String> restricted,
                        Set<String> veryRestricted, Set<String> emergencyRoles, Duration emergencyDuration,
                        Map<String, Map<String, List<ElementPath>>> masks) {}

    static Data parse(Path file) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        if (root == null || !root.isObject()) throw new IllegalArgumentException("empty or not a mapping");
        Map<String, String> roles = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = required(root, "roles").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getValue().path("type").asText("");
            if (!Set.of("profession", "crt", "structure").contains(type)) {
                throw new IllegalArgumentException("role " + e.getKey() + ": type must be profession, crt or structure");
            }
            roles.put(e.getKey(), type);
        }
        Map<String, Map<String, Access>> access = new LinkedHashMap<>();
        Map<String, List<Match>> matches = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = required(root, "kinds").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Match> ms = new ArrayList<>();
            for (JsonNode m : required(e.getValue(), "match")) {
                String type = m.path("type").asText("");
                if (type.isBlank()) throw new IllegalArgumentException("kind " + e.getKey() + ": match without type");
                ms.add(new Match(type, m.hasNonNull("category") ? m.get("category").asText() : null,
                        m.hasNonNull("profile") ? m.get("profile").asText() : null));
            }
            matches.put(e.getKey(), List.copyOf(ms));
            access.put(e.getKey(), row(e.getKey(), e.getValue().path("access"), roles));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = required(root, "documents").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            access.put(DOCUMENT_PREFIX + e.getKey(), row("document " + e.getKey(), e.getValue().path("access"), roles));
        }
        if (!access.containsKey(DOCUMENT_PREFIX + DEFAULT_DOCUMENT)) {
            throw new IllegalArgumentException("documents: a `default` row is required");
        }
        JsonNode conf = root.path("confidentiality");
        JsonNode emergency = root.path("emergency");
        return new Data(Map.copyOf(roles), java.util.Collections.unmodifiableMap(access), java.util.Collections.unmodifiableMap(matches),
                strings(root.path("directory"), null), strings(conf.path("restricted"), roles),
                strings(conf.path("veryRestricted"), roles), strings(emergency.path("roles"), roles),
                Duration.ofMinutes(emergency.path("minutes").asLong(60)), masks(root.path("masks"), roles));
    }

    /**
     * {@code masks}: a list of rules {@code {roles: [...], remove: [Type.element...], why: ...}}, compiled to
     * role → resource type → paths. Optional (no section: every role sees whole resources).
     */
    private static Map<String, Map<String, List<ElementPath>>> masks(JsonNode node, Map<String, String> roles) {
        if (node.isMissingNode() || node.isNull()) return Map.of();
        if (!node.isArray()) throw new IllegalArgumentException("masks: a list of rules {roles, remove, why} is expected");
        Map<String, Map<String, List<ElementPath>>> out = new LinkedHashMap<>();
        int n = 0;
        for (JsonNode rule : node) {
            n++;
            String where = "masks, rule " + n;
            JsonNode ruleRoles = rule.path("roles");
            JsonNode remove = rule.path("remove");
            if (!ruleRoles.isArray() || ruleRoles.isEmpty()) throw new IllegalArgumentException(where + ": roles (a list) is required");
            if (!remove.isArray() || remove.isEmpty()) throw new IllegalArgumentException(where + ": remove (a list of paths) is required");
            List<ElementPath> paths = new ArrayList<>();
            for (JsonNode p : remove) {
                try {
                    paths.add(ElementPath.parse(p.asText(), R4));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage());
                }
            }
            for (JsonNode r : ruleRoles) {
                if (!roles.containsKey(r.asText())) throw new IllegalArgumentException(where + ": unknown role " + r.asText());
                Map<String, List<ElementPath>> byType = out.computeIfAbsent(r.asText(), k -> new LinkedHashMap<>());
                for (ElementPath p : paths) byType.computeIfAbsent(p.resourceType(), k -> new ArrayList<>()).add(p);
            }
        }
        Map<String, Map<String, List<ElementPath>>> frozen = new LinkedHashMap<>();
        out.forEach((role, byType) -> {
            Map<String, List<ElementPath>> f = new LinkedHashMap<>();
            byType.forEach((type, paths) -> f.put(type, List.copyOf(paths)));
            frozen.put(role, java.util.Collections.unmodifiableMap(f));
        });
        return java.util.Collections.unmodifiableMap(frozen);
    }

    private static Map<String, Access> row(String name, JsonNode node, Map<String, String> roles) {
        Map<String, Access> row = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            if (!roles.containsKey(c.getKey())) throw new IllegalArgumentException(name + ": unknown role " + c.getKey());
            try {
                row.put(c.getKey(), Access.parse(c.getValue().asText()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(name + ", role " + c.getKey() + ": " + ex.getMessage());
            }
        }
        return Map.copyOf(row);
    }

    private static Set<String> strings(JsonNode node, Map<String, String> roles) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : node) {
            if (roles != null && !roles.containsKey(n.asText())) throw new IllegalArgumentException("unknown role " + n.asText());
            out.add(n.asText());
        }
        return Set.copyOf(out);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) throw new IllegalArgumentException(field + " is required");
        return n;
    }

    private static String loincType(DocumentReference doc) {
        for (Coding c : doc.getType().getCoding()) {
            if (c.hasCode() && (c.getSystem() == null || c.getSystem().equals("http://loinc.org")
                    || c.getSystem().contains("TRE_A05") || c.getSystem().contains("J07"))) return c.getCode();
        }
        return doc.getType().getCodingFirstRep().getCode();
    }

    private static boolean hasProfile(IBaseResource resource, String profile) {
        return resource.getMeta().getProfile().stream().anyMatch(p -> profile.equals(p.getValue()));
    }

    private static boolean hasCategory(IBaseResource resource, String code) {
        List<CodeableConcept> cats = R4.newTerser().getValues(resource, "category", CodeableConcept.class);
        return cats.stream().flatMap(c -> c.getCoding().stream()).anyMatch(c -> Objects.equals(code, c.getCode()));
    }
}
