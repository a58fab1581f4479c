package fr.crt.hub.access;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.fhir.CanonicalWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CareTeam.CareTeamParticipantComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The care circle of each person: one {@code CareTeam} per Patient whose participants are practitioners (by
 * RPPS) and organisations (by FINESS or CRT structure id), each with a role and a period.
 *
 * <p>Why tags: "which persons is this caller a member for" is asked on every FHIR request; each participant's key
 * ({@code rpps:<id>}, {@code structure:<id>}) is also a {@code meta.tag} of the CareTeam, which HAPI indexes, so
 * the answer is one indexed search; the period is then checked on the participant itself. Answers are cached per
 * caller for {@code hub.access.circle-cache-ttl}; a membership change made through this class clears the cache.
 */
@Service
public class CareCircle {

    public static final String MEMBER_TAG_SYSTEM = "https://crt-hub.fr/fhir/CodeSystem/care-circle-member";
    public static final String ROLE_SYSTEM = "https://crt-hub.fr/fhir/CodeSystem/care-circle-role";
    public static final String RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1";

    private static final Logger log = LoggerFactory.getLogger(CareCircle.class);

    private final CanonicalRepository repo;
    private final AccessProperties props;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Set<String> patients, Instant until) {}

    /**
     * One member of a circle.
     *
     * @param type  {@code practitioner} (id = RPPS) or {@code organization} (id = FINESS / structure id)
     * @param role  role in the circle (matrix role, e.g. {@code 10}, {@code coordinator}, {@code ehpad})
     * @param start first day (null: from now), end last day (null: open)
     */
    public record Member(String type, String id, String role, LocalDate start, LocalDate end) {
        public Member {
            if (!"practitioner".equals(type) && !"organization".equals(type)) {
                throw new IllegalArgumentException("type must be practitioner or organization");
            }
            if (id == null || !id.matches("[A-Za-z0-9._\\-]{1,64}")) throw new IllegalArgumentException("id is missing or malformed");
            if (start != null && end != null && end.isBefore(start)) throw new IllegalArgumentException("end is before start");
        }

        String key() {
            return ("practitioner".equals(type) ? CareIdentity.RPPS_KEY : CareIdentity.STRUCTURE_KEY) + id;
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    public CareCircle(CanonicalRepository repo, AccessProperties props, ApplicationEventPublisher events) {
        this(repo, props, events, Clock.systemUTC());
    }

    CareCircle(CanonicalRepository repo, AccessProperties props, ApplicationEventPublisher events, Clock clock) {
        this.repo = repo;
        this.props = props;
        this.clock = clock;
        this.events = events;
    }

    /** Versionless ids ({@code Patient/12}) of the persons whose circle holds {@code caller} today. */
    public Set<String> patientsOf(CareIdentity caller) {
        List<String> keys = caller.memberKeys();
        if (keys.isEmpty()) return Set.of();
        String cacheKey = String.join("|", keys);
        Instant now = clock.instant();
        Cached c = cache.get(cacheKey);
        if (c != null && c.until.isAfter(now)) return c.patients;
        TokenOrListParam tags = new TokenOrListParam();
        keys.forEach(k -> tags.add(MEMBER_TAG_SYSTEM, k));
        Set<String> out = new LinkedHashSet<>();
        Date today = new Date(now.toEpochMilli());
        for (CareTeam team : repo.search(CareTeam.class, SearchParameterMap.newSynchronous().add(Constants.PARAM_TAG, tags))) {
            if (!team.getSubject().hasReference()) continue;
            boolean member = team.getParticipant().stream().anyMatch(p -> keys.contains(keyOf(p)) && current(p.getPeriod(), today));
            if (member) out.add(new IdType(team.getSubject().getReference()).toUnqualifiedVersionless().getValue());
        }
        Set<String> result = Set.copyOf(out);
        cache.put(cacheKey, new Cached(result, now.plus(props.circleCacheTtl())));
        return result;
    }

    /** Whether {@code caller} is in {@code patientRef}'s circle today. */
    public boolean isMember(CareIdentity caller, String patientRef) {
        return patientsOf(caller).contains(patientRef);
    }

    /** Adds (or renews: same key and role) a member to the circle of {@code patientRef}; creates the CareTeam if needed. */
    @Transactional(transactionManager = "transactionManager")
    public CareTeam join(String patientRef, Member m) {
        return join(patientRef, m, null);
    }

    /** As {@link #join(String, Member)}, for a member whose own partner message (connector {@code originConnectorId}) made it join. */
    @Transactional(transactionManager = "transactionManager")
    public CareTeam join(String patientRef, Member m, String originConnectorId) {
        IdType pid = new IdType(patientRef).toUnqualifiedVersionless();
        repo.read(Patient.class, pid); // 404 (ResourceNotFoundException) for an unknown person
        CareTeam team = teamOf(pid.getValue()).orElseGet(() -> {
            CareTeam t = new CareTeam();
            t.setStatus(CareTeam.CareTeamStatus.ACTIVE);
            t.setName("Cercle de soins");
            t.setSubject(new Reference(pid.getValue()));
            return t;
        });
        CareTeamParticipantComponent p = team.getParticipant().stream()
                .filter(x -> m.key().equals(keyOf(x)) && m.role().equals(roleOf(x)))
                .findFirst().orElse(null);
        boolean newcomer = p == null && team.getParticipant().stream().noneMatch(x -> m.key().equals(keyOf(x)));
        if (p == null) p = team.addParticipant();
        Reference member = new Reference().setType("practitioner".equals(m.type()) ? "Practitioner" : "Organization");
        member.getIdentifier().setSystem("practitioner".equals(m.type()) ? RPPS_SYSTEM : CanonicalWriter.FINESS_SYSTEM)
                .setValue(m.id());
        p.setMember(member);
        p.setRole(List.of(new CodeableConcept(new Coding(ROLE_SYSTEM, m.role(), null))));
        Period period = new Period();
        LocalDate start = m.start() == null ? LocalDate.now(clock) : m.start();
        period.setStart(Date.from(start.atStartOfDay(ZoneId.systemDefault()).toInstant()));
        if (m.end() != null) period.setEnd(Date.from(m.end().plusDays(1).atStartOfDay(ZoneId.systemDefault()).toInstant()));
        p.setPeriod(period);
        if (team.getMeta().getTag(MEMBER_TAG_SYSTEM, m.key()) == null) team.getMeta().addTag(MEMBER_TAG_SYSTEM, m.key(), null);
        if (team.hasIdElement() && team.getIdElement().hasIdPart()) {
            repo.update(team);
        } else {
            team.setId(repo.create(team, "CareTeam?subject=" + pid.getValue()).getId().toUnqualifiedVersionless());
        }
        cache.clear();
        if (newcomer) events.publishEvent(new CircleJoined(pid.getValue(), m.type(), m.id(), originConnectorId));
        log.info("care circle {}: member {} joined as {}", team.getIdElement().toUnqualifiedVersionless().getValue(),
                m.type(), m.role());
        return team;
    }

    /** A partner's admission (A01/A05/A28) makes its organisation a member, in the writer's transaction. */
    @org.springframework.context.event.EventListener
    public void onAdmission(fr.crt.hub.fhir.AdmissionApplied admission) {
        var partner = admission.partner();
        if (partner.organisation() == null || partner.organisation().finess() == null) {
            log.warn("admission from {}: connector declares no organisation FINESS, circle unchanged", partner.id());
            return;
        }
        join(admission.patientRef(), new Member("organization", partner.organisation().finess(), partner.kind(), null, null),
                partner.id());
    }

    /**
     * A merge: the members of the merged-away person's circle join the survivor's, with their roles and periods, in
     * the writer's transaction. The merged record's own circle is left as it was (it documents who followed it).
     */
    @org.springframework.context.event.EventListener
    public void onMerge(fr.crt.hub.fhir.PatientsMerged merge) {
        Optional<CareTeam> from = teamOf(merge.mergedRef());
        if (from.isEmpty() || from.get().getParticipant().isEmpty()) return;
        IdType survivor = new IdType(merge.survivorRef()).toUnqualifiedVersionless();
        CareTeam to = teamOf(survivor.getValue()).orElseGet(() -> {
            CareTeam t = new CareTeam();
            t.setStatus(CareTeam.CareTeamStatus.ACTIVE);
            t.setName("Cercle de soins");
            t.setSubject(new Reference(survivor.getValue()));
            return t;
        });
        int moved = 0;
        for (CareTeamParticipantComponent p : from.get().getParticipant()) {
            String key = keyOf(p);
            if (key == null) continue;
            boolean present = to.getParticipant().stream()
                    .anyMatch(x -> key.equals(keyOf(x)) && java.util.Objects.equals(roleOf(p), roleOf(x)));
            if (present) continue;
            to.addParticipant(p.copy());
            if (to.getMeta().getTag(MEMBER_TAG_SYSTEM, key) == null) to.getMeta().addTag(MEMBER_TAG_SYSTEM, key, null);
            moved++;
        }
        if (moved == 0) return;
        if (to.hasIdElement() && to.getIdElement().hasIdPart()) {
            repo.update(to);
        } else {
            repo.create(to, "CareTeam?subject=" + survivor.getValue());
        }
        cache.clear();
        log.info("care circle: {} member(s) of a merged record joined the survivor's circle", moved);
    }

    /** The CareTeam of {@code patientRef}, if it has one. */
    public Optional<CareTeam> teamOf(String patientRef) {
        return repo.search(CareTeam.class, SearchParameterMap.newSynchronous(CareTeam.SP_SUBJECT, new ReferenceParam(patientRef)))
                .stream().findFirst();
    }

    static String keyOf(CareTeamParticipantComponent p) {
        Reference m = p.getMember();
        if (!m.hasIdentifier() || !m.getIdentifier().hasValue()) return null;
        String prefix = RPPS_SYSTEM.equals(m.getIdentifier().getSystem()) ? CareIdentity.RPPS_KEY : CareIdentity.STRUCTURE_KEY;
        return prefix + m.getIdentifier().getValue();
    }

    static String roleOf(CareTeamParticipantComponent p) {
        return p.getRoleFirstRep().getCodingFirstRep().getCode();
    }

    private static boolean current(Period p, Date now) {
        return (!p.hasStart() || !p.getStart().after(now)) && (!p.hasEnd() || p.getEnd().after(now));
    }
}
