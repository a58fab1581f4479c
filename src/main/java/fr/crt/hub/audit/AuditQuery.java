package fr.crt.hub.audit;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import fr.crt.hub.fhir.CanonicalRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Service;

/**
 * The read side of {@link AuditTrail}: AuditEvents searched in HAPI by patient ({@code entity}), user
 * ({@code altid}, the login {@link AuditTrail} puts there), subtype and date, newest first, offset paged.
 * Each line says who, when, what, about which patient, with which outcome and reason.
 */
@Service
public class AuditQuery {

    /** Accepted filter values, shared by the API and the console viewer: a Patient id, a code, an INS. */
    public static final java.util.regex.Pattern PATIENT = java.util.regex.Pattern.compile("(Patient/)?[A-Za-z0-9\\-.]{1,64}");
    public static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("[A-Za-z0-9_.:@\\-]{1,100}");
    public static final java.util.regex.Pattern INS =
            java.util.regex.Pattern.compile("[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}");

    /** INS assigning authorities, as the canonical Patient carries them ({@code urn:oid:...}). */
    static final List<String> INS_SYSTEMS = List.of("urn:oid:1.2.250.1.213.1.4.8", "urn:oid:1.2.250.1.213.1.4.9",
            "urn:oid:1.2.250.1.213.1.4.10", "urn:oid:1.2.250.1.213.1.4.11");

    private final CanonicalRepository repo;

    public AuditQuery(CanonicalRepository repo) {
        this.repo = repo;
    }

    /**
     * @param patients versionless {@code Patient/123} refs (any of them); null = every patient, empty = nobody
     */
    public record Filter(List<String> patients, String who, String subtype, Instant from, Instant to, int page, int size) {}

    /** Deepest row a page may reach: beyond, the viewer narrows the filter (dates, user, subtype). */
    public static final int MAX_DEPTH = 5_000;

    public record Page(List<Map<String, Object>> items, boolean more) {}

    /** Patients carrying this INS (normally one). */
    public List<String> patientsByIns(String ins) {
        List<String> refs = new ArrayList<>();
        for (String system : INS_SYSTEMS) {
            for (Patient p : repo.searchPatientsByIdentifier(system, ins)) {
                String ref = p.getIdElement().toUnqualifiedVersionless().getValue();
                if (!refs.contains(ref)) refs.add(ref);
            }
        }
        return refs;
    }

    public Page search(Filter f) {
        if (f.patients() != null && f.patients().isEmpty()) return new Page(List.of(), false);
        SearchParameterMap map = new SearchParameterMap();
        if (f.patients() != null) {
            ReferenceOrListParam or = new ReferenceOrListParam();
            f.patients().forEach(p -> or.addOr(new ReferenceParam(p)));
            map.add(AuditEvent.SP_ENTITY, or);
        }
        if (f.who() != null) map.add(AuditEvent.SP_ALTID, new TokenParam(null, f.who()));
        if (f.subtype() != null) map.add(AuditEvent.SP_SUBTYPE, new TokenParam(AuditTrail.SUBTYPE_SYSTEM, f.subtype()));
        if (f.from() != null || f.to() != null) {
            map.add(AuditEvent.SP_DATE, new DateRangeParam(
                    f.from() == null ? null : new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(f.from())),
                    f.to() == null ? null : new DateParam(ParamPrefixEnum.LESSTHAN, Date.from(f.to()))));
        }
        map.setSort(new SortSpec(AuditEvent.SP_DATE, SortOrderEnum.DESC));
        // synchronous search (CanonicalRepository): pages are cut here, hence the depth limit
        int offset = f.page() * f.size();
        List<AuditEvent> found = repo.searchFirst(AuditEvent.class, map, offset + f.size() + 1);
        boolean more = found.size() > offset + f.size();
        List<Map<String, Object>> items = found.stream().skip(offset).limit(f.size()).map(AuditQuery::line).toList();
        return new Page(items, more);
    }

    static Map<String, Object> line(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.getIdElement().toUnqualifiedVersionless().getValue());
        m.put("when", e.hasRecorded() ? e.getRecorded().toInstant().toString() : null);
        AuditEvent.AuditEventAgentComponent agent = e.getAgent().stream().filter(a -> a.getRequestor()).findFirst()
                .orElse(e.getAgentFirstRep());
        m.put("who", agent.hasAltId() ? agent.getAltId() : agent.getWho().getDisplay());
        m.put("role", agent.getRole().stream().flatMap(r -> r.getCoding().stream()).map(Coding::getCode).findFirst().orElse(null));
        m.put("what", e.getSubtype().stream().filter(c -> AuditTrail.SUBTYPE_SYSTEM.equals(c.getSystem())).map(Coding::getCode)
                .findFirst().orElse(null));
        m.put("action", e.hasAction() ? e.getAction().toCode() : null);
        String patient = null;
        String entity = null;
        for (AuditEvent.AuditEventEntityComponent en : e.getEntity()) {
            String ref = en.getWhat().hasReference() ? en.getWhat().getReference() : en.getWhat().getDisplay();
            if ("1".equals(en.getRole().getCode())) patient = ref; else if (entity == null) entity = ref;
        }
        m.put("patient", patient);
        m.put("entity", entity);
        m.put("outcome", e.hasOutcome() ? e.getOutcome().toCode() : null);
        m.put("reason", e.getOutcomeDesc());
        return m;
    }
}
