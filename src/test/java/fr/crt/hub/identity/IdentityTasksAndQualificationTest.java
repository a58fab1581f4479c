package fr.crt.hub.identity;

import static fr.crt.hub.identity.IdentityTestSupport.as;
import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.InsiWireMock;
import fr.crt.hub.support.MllpClient;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * Vigilance tasks and qualification on the shared test hub, without INSi: possible duplicates from two partners
 * over MLLP (CHU-X and EHPAD Les Tilleuls, PAM-FR without INS), same INS on two Patients merged by an operator the
 * A40 way, and {@code POST /api/identities/{id}/qualify} refusing everything but a RECUP identity with a high-trust
 * document, by ADMIN/OPERATOR only, audited.
 */
class IdentityTasksAndQualificationTest extends HubTestBase {

    @Autowired
    CanonicalRepository repo;
    @Autowired
    IdentityCheckStore checks;
    @Autowired
    VigilanceTaskStore tasks;
    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    IdentityCheckWorker worker;

    @AfterEach
    void stopChecks() {
        worker.setRunning(false);
    }

    @BeforeEach
    void users() {
        worker.setRunning(true);
        IdentityTestSupport.ensureUser(users, encoder, "vig-operator", "OPERATOR");
        IdentityTestSupport.ensureUser(users, encoder, "vig-auditor", "AUDITOR");
    }

    @Test
    void nearIdenticalTraitsFromTwoPartnersOpenOneTaskAndDistinctIsRemembered() throws Exception {
        String tag = suffix();
        Person p = IdentityTestSupport.person("DOUBLON-" + tag, "MARIE LOUISE", "19350412", "F", "17300");
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(IdentityTestSupport.a28Tilleuls("VIG-DUP-T-" + tag, p)))).isEqualTo("AA");
            // CHU-X types the name with an accent and lower case: the same person once normalised
            Person chuX = new Person(p.ipp(), "Doublon-" + tag, "Marie Louise", "", p.birthDate(), "F", "17300", "",
                    "PROV");
            assertThat(ackCode(c.send(IdentityTestSupport.a01ChuX("VIG-DUP-C-" + tag, chuX, "V" + tag))))
                    .isEqualTo("AA");
        }
        String tilleuls = patientRef(IdentityTestSupport.TILLEULS_IPP_OID, p.ipp());
        String chu = patientRef(IdentityTestSupport.CHUX_IPP_OID, p.ipp());
        assertThat(tilleuls).isNotEqualTo(chu);

        Map<String, Object> task = await().atMost(WAIT).until(() -> onlyTask("POSSIBLE_DUPLICATE", tilleuls),
                t -> t != null);
        assertThat(Set(task.get("patient"), task.get("otherPatient"))).containsExactlyInAnyOrder(tilleuls, chu);
        assertThat(task.get("detail").toString()).doesNotContain("DOUBLON", "MARIE");

        // the auditor reads, cannot resolve; nobody anonymous reads
        assertThat(as(rest, "vig-auditor").getForEntity("/api/identity-tasks?kind=POSSIBLE_DUPLICATE", String.class)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        long id = ((Number) task.get("id")).longValue();
        assertThat(post("vig-auditor", "/api/identity-tasks/" + id + "/resolve",
                Map.of("resolution", "DISTINCT")).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(rest.getForEntity("/api/identity-tasks", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);

        ResponseEntity<Map<String, Object>> resolved = post("vig-operator", "/api/identity-tasks/" + id + "/resolve",
                Map.of("resolution", "DISTINCT", "comment", "two sisters, checked with both families"));
        assertThat(resolved.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(resolved.getBody()).containsEntry("status", "RESOLVED").containsEntry("resolution", "DISTINCT")
                .containsEntry("resolvedBy", "vig-operator");
        assertThat(post("vig-operator", "/api/identity-tasks/" + id + "/resolve", Map.of("resolution", "DISMISSED"))
                .getStatusCode()).isEqualTo(HttpStatus.CONFLICT);

        // a later message for the same person is scanned again, and the pair a person called distinct is not asked again
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(IdentityTestSupport.a31Tilleuls("VIG-DUP-T2-" + tag, p)))).isEqualTo("AA");
        }
        await().atMost(WAIT).until(() -> checks.forPatient(tilleuls).stream()
                .filter(k -> k.detail() != null || k.status() == IdentityCheckStore.Status.DONE).count() >= 2);
        assertThat(tasks.count(VigilanceTaskStore.Status.OPEN, TaskKind.POSSIBLE_DUPLICATE, tilleuls)).isZero();

        // other tests of the shared hub count CHU-X's messages (AnsSamplesOverMllpTest): leave none behind
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE control_id LIKE"
                + " 'VIG-DUP-C-%' AND status IN ('QUEUED','RETRYING')", Long.class) == 0);
        jdbc.update("DELETE FROM hub_message WHERE control_id LIKE 'VIG-DUP-C-%'");
    }

    @Test
    void sameInsOnTwoPatientsIsMergedByAnOperatorAsAnA40Does() {
        String tag = suffix();
        Person p = Person.of(700 + (int) (Math.random() * 200));
        Patient a = patientWithIns("A" + tag, p.nir());
        Patient b = patientWithIns("B" + tag, p.nir());
        String refA = ref(a);
        String refB = ref(b);
        Encounter stay = new Encounter();
        stay.setStatus(Encounter.EncounterStatus.INPROGRESS).setSubject(new Reference(refB))
                .getClass_().setCode("IMP").setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode");
        String stayRef = repo.create(stay).getId().toUnqualifiedVersionless().getValue();
        checks.enqueue(refA, "test:" + tag);

        Map<String, Object> task = await().atMost(WAIT).until(() -> onlyTask("DUPLICATE_INS", refA), t -> t != null);
        assertThat(Set(task.get("patient"), task.get("otherPatient"))).containsExactlyInAnyOrder(refA, refB);
        assertThat(task.get("detail").toString()).doesNotContain(p.nir());
        long id = ((Number) task.get("id")).longValue();

        assertThat(post("admin", "/api/identity-tasks/" + id + "/resolve",
                Map.of("resolution", "MERGE", "survivor", refA, "merged", "Patient/999999999")).getStatusCode())
                .as("merge sides must be the task's patients").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("admin", "/api/identity-tasks/" + id + "/resolve", Map.of("resolution", "FUSION"))
                .getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);

        ResponseEntity<Map<String, Object>> merged = post("vig-operator", "/api/identity-tasks/" + id + "/resolve",
                Map.of("resolution", "MERGE", "survivor", refA, "merged", refB, "comment", "same person"));
        assertThat(merged.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(merged.getBody()).containsEntry("survivor", refA).containsEntry("merged", refB);

        Patient survivor = repo.read(Patient.class, new IdType(refA));
        Patient old = repo.read(Patient.class, new IdType(refB));
        assertThat(old.getActive()).isFalse();
        assertThat(old.getLink()).anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY
                && refA.equals(l.getOther().getReference()));
        assertThat(survivor.getLink()).anyMatch(l -> l.getType() == Patient.LinkType.REPLACES
                && refB.equals(l.getOther().getReference()));
        assertThat(repo.read(Encounter.class, new IdType(stayRef)).getSubject().getReference()).isEqualTo(refA);
        assertThat(auditEvents(refA, "identity-task-resolve")).anyMatch(e -> e.getOutcomeDesc().startsWith("MERGE")
                && "vig-operator".equals(e.getAgentFirstRep().getWho().getDisplay()));
    }

    @Test
    void qualificationNeedsAnInsFromInsiAHighTrustDocumentAndAPerson() throws Exception {
        String tag = suffix();
        // INSi (WireMock, shared by the test hub) knows nobody with these traits
        InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml");
        Person p = IdentityTestSupport.person("QUALIF-" + tag, "ODETTE", "19380203", "F", "17300");
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(IdentityTestSupport.a28Tilleuls("VIG-Q-" + tag, p)))).isEqualTo("AA");
        }
        String ref = patientRef(IdentityTestSupport.TILLEULS_IPP_OID, p.ipp());
        String id = ref.substring("Patient/".length());
        String url = "/api/identities/" + id + "/qualify";
        Map<String, Object> notFound = await().atMost(WAIT).until(() -> onlyTask("NOT_FOUND", ref), t -> t != null);
        long blocking = ((Number) notFound.get("id")).longValue();

        // PROV, no INS from INSi: refused, and the refusal is audited
        ResponseEntity<Map<String, Object>> noIns = post("vig-operator", url, Map.of("documentType", "PA"));
        assertThat(noIns.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(noIns.getBody().get("error").toString()).contains("no INS obtained from INSi");
        assertThat(auditEvents(ref, "identity-qualify")).anyMatch(e -> e.getOutcomeDesc().startsWith("refused"));

        // as if a later INSi call had answered CR00 with a match (that path: IdentityVigilanceOverMllpTest)
        markRecup(ref, Person.of(905).nir());
        assertThat(post("vig-operator", url, Map.of("documentType", "PC")).getStatusCode())
                .as("driving licence is not high-trust").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("vig-operator", url, Map.of("documentType", "LE")).getStatusCode())
                .as("family record book: minors only").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("vig-operator", url, Map.of()).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("vig-auditor", url, Map.of("documentType", "PA")).getStatusCode())
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(post("vig-operator", "/api/identities/999999999/qualify", Map.of("documentType", "PA"))
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);

        // the open vigilance task (CR01) blocks it until a person closes it
        ResponseEntity<Map<String, Object>> blocked = post("vig-operator", url, Map.of("documentType", "PA"));
        assertThat(blocked.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(blocked.getBody().get("error").toString()).contains("task " + blocking);
        assertThat(post("vig-operator", "/api/identity-tasks/" + blocking + "/resolve",
                Map.of("resolution", "DISMISSED")).getStatusCode()).isEqualTo(HttpStatus.OK);

        ResponseEntity<Map<String, Object>> ok = post("vig-operator", url,
                Map.of("documentType", "pa", "comment", "passport seen at the home visit"));
        assertThat(ok.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(ok.getBody()).containsEntry("status", "QUAL").containsEntry("documentType", "PA")
                .containsEntry("by", "vig-operator");
        Patient qualified = repo.read(Patient.class, new IdType(ref));
        assertThat(IdentityFhir.statuses(qualified)).contains("QUAL").doesNotContain("RECUP", "PROV");
        Extension reliability = qualified.getExtensionsByUrl(IdentityFhir.EXT_IDENTITY_RELIABILITY).stream()
                .filter(e -> e.getExtensionByUrl("validationMode") != null).findFirst().orElseThrow();
        assertThat(((Coding) reliability.getExtensionByUrl("validationMode").getValue()).getCode()).isEqualTo("PA");
        assertThat(reliability.getExtensionByUrl("validationDate")).isNotNull();
        assertThat(qualified.getMeta().hasProfile(IdentityFhir.PROFILE_PATIENT_INS)).isTrue();
        assertThat(auditEvents(ref, "identity-qualify")).anyMatch(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._0
                && "vig-operator".equals(e.getAgentFirstRep().getWho().getDisplay())
                && e.getOutcomeDesc().contains("document PA"));

        // the EHPAD of the person's circle is told at once, the INS now in PID-3 (it leaves only qualified); A28 as the
        // hub had sent it nothing about this person yet (the EHPAD's own A28 made it a member: no echo)
        var ehpad = fr.crt.hub.support.OutboundTestPartners.ehpad();
        String nir = Person.of(905).nir();
        var told = await().atMost(WAIT).until(() -> ehpad.about(id).stream().filter(m -> m.field("PID", 3).contains(nir)).toList(),
                l -> !l.isEmpty());
        assertThat(told).hasSize(1);
        assertThat(told.get(0).field("MSH", 9)).isEqualTo("ADT^A28^ADT_A05");
        assertThat(told.get(0).field("PID", 32)).isEqualTo("VALI");

        ResponseEntity<Map<String, Object>> again = post("admin", url, Map.of("documentType", "CN"));
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(again.getBody().get("error").toString()).contains("already qualified");
    }

    @Test
    void aCheckLeftRunningByAStoppedWorkerIsTakenAgainAfterItsLease() {
        String tag = suffix();
        Patient p = patientWithIns("L" + tag, Person.of(950 + (int) (Math.random() * 40)).nir());
        String ref = ref(p);
        Timestamp now = Timestamp.from(Instant.now());
        // as a hub that claimed it and stopped before finishing leaves it: RUNNING, lease over
        jdbc.update("INSERT INTO identity_check (patient_ref, trigger_key, status, attempts, created_at, next_attempt_at,"
                + " claimed_until) VALUES (?,?,'RUNNING',0,?,?,?)", ref, "test:" + tag, now, now,
                Timestamp.from(Instant.now().minusSeconds(5)));
        await().atMost(WAIT).until(() -> checks.forPatient(ref).stream()
                .allMatch(k -> k.status() == IdentityCheckStore.Status.DONE));
        assertThat(checks.forPatient(ref)).singleElement()
                .satisfies(k -> assertThat(k.outcome()).isEqualTo("not_needed"));
        // a second ask for the same trigger is the same check
        assertThat(checks.enqueue(ref, "test:" + tag)).isFalse();
    }

    @Test
    void badRequestsGetAClearAnswer() {
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        TestRestTemplate op = as(rest, "vig-operator");
        assertThat(op.exchange("/api/identities/1/qualify", HttpMethod.POST, new HttpEntity<>("{\"documentType\": ", json),
                String.class).getStatusCode()).as("truncated JSON").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(op.exchange("/api/identity-tasks/1/resolve", HttpMethod.POST, new HttpEntity<>("[1,2]", json),
                String.class).getStatusCode()).as("not an object").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("vig-operator", "/api/identities/1/qualify", Map.of("documentType", "PA",
                "comment", "x".repeat(5000))).getStatusCode()).as("oversized comment").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("vig-operator", "/api/identities/bad_id/qualify", Map.of("documentType", "PA")).getStatusCode())
                .as("not a Patient id").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("vig-operator", "/api/identity-tasks/abc/resolve", Map.of("resolution", "DISTINCT"))
                .getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(post("vig-operator", "/api/identity-tasks/987654321/resolve", Map.of("resolution", "DISTINCT"))
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(op.getForEntity("/api/identity-tasks?kind=NOPE", String.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        ResponseEntity<String> page = op.getForEntity("/api/identity-tasks?size=100000&page=-3", String.class);
        assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(page.getBody()).contains("\"size\":500").contains("\"page\":0");
    }

    // ---------------------------------------------------------------- helpers

    static String suffix() {
        return UUID.randomUUID().toString().replaceAll("[^A-Z0-9a-z]", "").substring(0, 8).toUpperCase();
    }

    private static List<Object> Set(Object a, Object b) {
        return List.of(a, b);
    }

    private String patientRef(String oid, String ipp) {
        return await().atMost(WAIT).until(() -> repo.searchPatientsByIdentifier("urn:oid:" + oid, ipp), l -> l.size() == 1)
                .get(0).getIdElement().toUnqualifiedVersionless().getValue();
    }

    private Patient patientWithIns(String ipp, String nir) {
        Patient p = new Patient();
        p.setActive(true);
        p.addIdentifier(new Identifier().setSystem("urn:oid:1.2.250.1.213.1.999.1").setValue(ipp));
        p.addIdentifier(IdentityFhir.insIdentifier(nir, "1.2.250.1.213.1.4.8"));
        p.addName().setFamily("INSDOUBLE").addGiven("TEST");
        p.setId(repo.create(p).getId().toUnqualifiedVersionless());
        return p;
    }

    private void markRecup(String ref, String nir) {
        Patient p = repo.read(Patient.class, new IdType(ref));
        p.addIdentifier(IdentityFhir.insIdentifier(nir, "1.2.250.1.213.1.4.8"));
        IdentityFhir.setConfidenceStatus(p, IdentityFhir.RECUP, "Identité récupérée");
        repo.update(p);
    }

    private static String ref(Patient p) {
        return p.getIdElement().toUnqualifiedVersionless().getValue();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyTask(String kind, String patient) {
        Map<String, Object> page = getJson("/api/identity-tasks?status=OPEN&kind=" + kind + "&patient=" + patient);
        List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
        return items.size() == 1 ? items.get(0) : null;
    }

    private ResponseEntity<Map<String, Object>> post(String user, String path, Map<String, ?> body) {
        return as(rest, user).exchange(path, HttpMethod.POST, new HttpEntity<>(body),
                new ParameterizedTypeReference<>() {});
    }

    /** Straight from the repository: HAPI's REST search cache would answer a repeated query with its first result. */
    List<AuditEvent> auditEvents(String patientRef, String subtype) {
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.add(AuditEvent.SP_ENTITY, new ReferenceParam(patientRef));
        map.add(AuditEvent.SP_SUBTYPE, new TokenParam(AuditTrail.SUBTYPE_SYSTEM, subtype));
        return repo.search(AuditEvent.class, map);
    }
}
