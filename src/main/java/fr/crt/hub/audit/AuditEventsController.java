package fr.crt.hub.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit viewer's back end (AUDITOR and ADMIN): {@code GET /api/audit-events?patient=Patient/1&who=&subtype=&from=&to=
 * &page=&size=}; by INS through {@code POST /api/audit-events/search} with {@code {"ins": ..., who, subtype, from, to,
 * page, size}} so that the INS never appears in a URL or an access log.
 */
@RestController
@RequestMapping("/api/audit-events")
public class AuditEventsController {

    static final int MAX_SIZE = 200;
    private static final Pattern PATIENT = AuditQuery.PATIENT;
    private static final Pattern CODE = AuditQuery.CODE;
    private static final Pattern INS = AuditQuery.INS;
    private static final Set<String> BODY_FIELDS = Set.of("ins", "patient", "who", "subtype", "from", "to", "page", "size");

    private final AuditQuery query;

    public AuditEventsController(AuditQuery query) {
        this.query = query;
    }

    /** A refused request, naming the parameter. */
    static class BadQuery extends RuntimeException {
        final String field;

        BadQuery(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    @GetMapping
    public Map<String, Object> list(@RequestParam Map<String, String> params) {
        for (String k : params.keySet()) {
            if (!Set.of("patient", "who", "subtype", "from", "to", "page", "size").contains(k)) {
                throw new BadQuery(k, "unknown parameter; known: patient, who, subtype, from, to, page, size");
            }
        }
        String patient = params.get("patient");
        List<String> patients = null;
        if (patient != null && !patient.isBlank()) {
            if (!PATIENT.matcher(patient.trim()).matches()) throw new BadQuery("patient", "patient must be a Patient id, e.g. Patient/123 (an INS goes in POST /api/audit-events/search)");
            patients = List.of(patient.trim().startsWith("Patient/") ? patient.trim() : "Patient/" + patient.trim());
        }
        return answer(new AuditQuery.Filter(patients, code(params.get("who"), "who"), code(params.get("subtype"), "subtype"),
                instant(params.get("from"), "from"), instant(params.get("to"), "to"),
                integer(params.get("page"), "page", 0, 0, 10_000), integer(params.get("size"), "size", 50, 1, MAX_SIZE)), null);
    }

    @PostMapping(path = "/search", consumes = "application/json")
    public Map<String, Object> search(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) throw new BadQuery("body", "the request must be a JSON object");
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!BODY_FIELDS.contains(f)) throw new BadQuery(f.replaceAll("[^A-Za-z0-9_]", "?"), "unknown field; known: " + BODY_FIELDS);
        }
        String ins = text(body, "ins");
        String patient = text(body, "patient");
        if (ins != null && patient != null) throw new BadQuery("ins", "give ins or patient, not both");
        List<String> patients = null;
        Integer matched = null;
        if (ins != null) {
            String v = ins.replace(" ", "");
            if (!INS.matcher(v).matches()) throw new BadQuery("ins", "not an INS (15 characters: NIR or NIA with its key)");
            patients = query.patientsByIns(v);
            matched = patients.size();
        } else if (patient != null) {
            if (!PATIENT.matcher(patient).matches()) throw new BadQuery("patient", "patient must be a Patient id, e.g. Patient/123");
            patients = List.of(patient.startsWith("Patient/") ? patient : "Patient/" + patient);
        }
        return answer(new AuditQuery.Filter(patients, code(text(body, "who"), "who"), code(text(body, "subtype"), "subtype"),
                instant(text(body, "from"), "from"), instant(text(body, "to"), "to"),
                integer(raw(body, "page"), "page", 0, 0, 10_000), integer(raw(body, "size"), "size", 50, 1, MAX_SIZE)), matched);
    }

    private Map<String, Object> answer(AuditQuery.Filter f, Integer patientsMatched) {
        if (f.from() != null && f.to() != null && !f.from().isBefore(f.to())) throw new BadQuery("from", "from must be before to");
        if ((long) (f.page() + 1) * f.size() > AuditQuery.MAX_DEPTH) {
            throw new BadQuery("page", "pages stop at row " + AuditQuery.MAX_DEPTH + ": narrow the dates, user or subtype");
        }
        AuditQuery.Page p = query.search(f);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("page", f.page());
        out.put("size", f.size());
        if (patientsMatched != null) out.put("patientsMatched", patientsMatched);
        out.put("more", p.more());
        out.put("items", p.items());
        return out;
    }

    @ExceptionHandler(BadQuery.class)
    ResponseEntity<Map<String, Object>> bad(BadQuery e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage(), "field", e.field));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "the body is not valid JSON", "field", "body"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new BadQuery(field, field + " must be a string");
        String s = n.textValue().trim();
        return s.isEmpty() ? null : s;
    }

    private static String raw(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber()) throw new BadQuery(field, field + " must be an integer");
        return n.asText();
    }

    private static String code(String s, String field) {
        if (s == null || s.isBlank()) return null;
        if (!CODE.matcher(s.trim()).matches()) throw new BadQuery(field, field + " has characters a " + field + " never has");
        return s.trim();
    }

    private static Instant instant(String s, String field) {
        if (s == null || s.isBlank()) return null;
        try {
            return Instant.parse(s.trim());
        } catch (DateTimeParseException e) {
            throw new BadQuery(field, field + " must be an ISO-8601 instant, e.g. 2026-11-25T10:15:00Z");
        }
    }

    private static int integer(String s, String field, int dflt, int min, int max) {
        if (s == null || s.isBlank()) return dflt;
        try {
            int v = Integer.parseInt(s.trim());
            if (v < min || v > max) throw new BadQuery(field, field + " must be from " + min + " to " + max);
            return v;
        } catch (NumberFormatException e) {
            throw new BadQuery(field, field + " must be an integer from " + min + " to " + max);
        }
    }
}
