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
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.InsiWireMock;
import fr.crt.hub.support.MllpClient;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * A partner (EHPAD Les Tilleuls) sends PAM-FR identities without INS, status PROV, over the hub's real MLLP port;
 * INSi is WireMock over mTLS ({@link InsiWireMock}) answering with the public fixtures of
 * {@code ../shared/samples/insi}. Each INSi outcome ends in the right status or task, is audited without traits,
 * and nothing is applied twice or lost:
 * <ul>
 *   <li>{@code responses/TEST_2.04_cas2_CR00_ECETINSI_PIERRE-ALAIN_with_INSHISTO.xml} + the same traits → INS added,
 *       RECUP; then qualified by an operator;</li>
 *   <li>the same answer for traits one letter away → TRAITS_MISMATCH task, no INS;</li>
 *   <li>{@code extracted-from-fixtures/response_CR02_plusieurs_identites.xml} → SEVERAL_IDENTITIES;
 *       {@code responses/REP_CR01_aucune_identite.xml} → NOT_FOUND;</li>
 *   <li>{@code extracted-from-fixtures/response_SOAPFault_siram_40_insi_102.xml} (temporarily unavailable) → the
 *       check waits and, once INSi answers ({@code TEST_2.08_cas1_CR00_CORSE_ANTHONY_2B.xml}), RECUP;</li>
 *   <li>{@code extracted-from-fixtures/response_SOAPFault_siram_100_desir_550.xml} → INSI_FAILED task.</li>
 * </ul>
 * WireMock is shared by the whole test hub: each test sets its answer before its message is sent, and asserts on its
 * own Patient only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class IdentityVigilanceOverMllpTest extends HubTestBase {

    static final String ECETINSI_CR00 = "insi/responses/TEST_2.04_cas2_CR00_ECETINSI_PIERRE-ALAIN_with_INSHISTO.xml";
    static final String ECETINSI_INS = "109076322083489";

    @Autowired
    CanonicalRepository repo;
    @Autowired
    IdentityCheckStore checks;
    @Autowired
    MessageStore store;
    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    PasswordEncoder encoder;

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
    }

    @Test
    @Order(1)
    void cr00WithTheSameTraitsAddsTheInsAsRecupOnceThenAPersonQualifies(CapturedOutput output) throws Exception {
        InsiWireMock.answerWith(ECETINSI_CR00);
        // the INSi test person, typed by the EHPAD in mixed case with one accent too many: the same once normalised
        Person p = IdentityTestSupport.person("Écetinsi", "Pierre-Alain Muriel Floriant", "20090714", "M", "63220");
        String a28 = IdentityTestSupport.a28Tilleuls("VIG-E2E-1", p);
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(a28))).isEqualTo("AA");
        }
        String ref = patientRef(p);

        Patient recup = await().atMost(WAIT).until(() -> read(ref),
                x -> IdentityFhir.statuses(x).contains(IdentityFhir.RECUP));
        assertThat(IdentityFhir.statuses(recup)).doesNotContain(IdentityFhir.PROV);
        List<Identifier> ins = IdentityFhir.insIdentifiers(recup);
        assertThat(ins).hasSize(1);
        assertThat(ins.get(0).getSystem()).isEqualTo("urn:oid:1.2.250.1.213.1.4.8");
        assertThat(ins.get(0).getValue()).isEqualTo(ECETINSI_INS);
        assertThat(ins.get(0).getType().getCodingFirstRep().getCode()).isEqualTo("INS-NIR");
        Extension reliability = recup.getExtensionsByUrl(IdentityFhir.EXT_IDENTITY_RELIABILITY).get(0);
        assertThat(((Coding) reliability.getExtensionByUrl("identityStatus").getValue()).getSystem())
                .isEqualTo(IdentityFhir.CS_IDENTITY_STATUS);
        assertThat(((Coding) reliability.getExtensionByUrl("methodCollection").getValue()).getCode()).isEqualTo("INSI");
        // the call's AuditEvent is written once the check's transaction has committed (and its listeners, outbound
        // among them, have run): the Patient can show RECUP a moment before
        List<AuditEvent> calls = await().atMost(WAIT).until(() -> auditEvents(ref, "insi-search"), l -> !l.isEmpty());
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getOutcomeDesc()).isEqualTo("CR00 match, RECUP set");
        assertThat(calls.get(0).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(calls.get(0).getAgentFirstRep().getWho().getDisplay()).isEqualTo("system:hub");

        // the same message delivered again: a duplicate, no second check
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(a28))).isEqualTo("AA");
        }
        await().atMost(WAIT).until(() -> store.count(new MessageQuery("ehpad-les-tilleuls", null, null,
                MessageStatus.DUPLICATE, null, null, "VIG-E2E-1", null, 0, 5)) == 1);
        assertThat(checks.forPatient(ref)).hasSize(1);

        // an identity update from the partner with the same traits (its PID-32 still says PROV): RECUP is the hub's
        // finding and stays; no second INSi call, the INS is not added twice
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(IdentityTestSupport.a31Tilleuls("VIG-E2E-1B", p)))).isEqualTo("AA");
        }
        await().atMost(WAIT).until(() -> checks.forPatient(ref).size() == 2
                && checks.forPatient(ref).stream().allMatch(k -> k.status() == IdentityCheckStore.Status.DONE));
        Patient again = read(ref);
        assertThat(IdentityFhir.insIdentifiers(again)).hasSize(1);
        assertThat(IdentityFhir.statuses(again)).contains(IdentityFhir.RECUP).doesNotContain(IdentityFhir.PROV);
        assertThat(auditEvents(ref, "insi-search")).hasSize(1);

        // QUAL: a person with a passport
        ResponseEntity<Map<String, Object>> q = post("vig-operator", "/api/identities/"
                + ref.substring("Patient/".length()) + "/qualify", Map.of("documentType", "PA"));
        assertThat(q.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(IdentityFhir.statuses(read(ref))).contains(IdentityFhir.QUAL);

        // a routine update with the same traits does not undo what a person checked
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(IdentityTestSupport.a31Tilleuls("VIG-E2E-1C", p)))).isEqualTo("AA");
        }
        await().atMost(WAIT).until(() -> checks.forPatient(ref).size() == 3
                && checks.forPatient(ref).stream().allMatch(k -> k.status() == IdentityCheckStore.Status.DONE));
        assertThat(IdentityFhir.statuses(read(ref))).contains(IdentityFhir.QUAL);

        // the partner corrects the birth date: the INS no longer vouches for these traits, the partner's status
        // applies and INSi is asked again; its answer does not match the new date, so a person must look at it
        Person corrected = new Person(p.ipp(), p.birthName(), p.firstNames(), p.usedName(), "20090715", p.sex(),
                p.birthPlace(), p.nir(), p.status());
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(IdentityTestSupport.a31Tilleuls("VIG-E2E-1D", corrected)))).isEqualTo("AA");
        }
        await().atMost(WAIT).until(() -> openTask(ref, "TRAITS_MISMATCH"), t -> t != null);
        assertThat(IdentityFhir.statuses(read(ref))).doesNotContain(IdentityFhir.QUAL, IdentityFhir.RECUP);
        assertThat(auditEvents(ref, "insi-search")).hasSize(2);

        // hub_identity_checks_total{outcome="match"}
        assertThat(metric("/actuator/metrics/hub.identity.checks?tag=outcome:match")).isGreaterThanOrEqualTo(1);

        // rule 5: neither the traits nor the INS reach the logs
        assertThat(output.getAll()).contains("identity check").doesNotContain(ECETINSI_INS, "ECETINSI", "Écetinsi",
                p.ipp());
    }

    @Test
    @Order(2)
    void cr00ForTraitsOneLetterAwayIsATaskAndNoInsIsUsed() throws Exception {
        InsiWireMock.answerWith(ECETINSI_CR00);
        Person p = IdentityTestSupport.person("ECETINSY", "PIERRE-ALAIN MURIEL FLORIANT", "20090714", "M", "63220");
        String ref = send(p, "VIG-E2E-2");
        Map<String, Object> task = await().atMost(WAIT).until(() -> openTask(ref, "TRAITS_MISMATCH"), t -> t != null);
        assertThat(task.get("detail")).isEqualTo("CR00 mismatch BIRTH_NAME");
        Patient patient = read(ref);
        assertThat(IdentityFhir.insIdentifiers(patient)).isEmpty();
        assertThat(IdentityFhir.statuses(patient)).contains(IdentityFhir.PROV).doesNotContain(IdentityFhir.RECUP);
        assertThat(auditEvents(ref, "insi-search")).extracting(AuditEvent::getOutcomeDesc)
                .containsExactly("CR00 mismatch BIRTH_NAME");
        assertThat(post("admin", "/api/identities/" + ref.substring(8) + "/qualify", Map.of("documentType", "CN"))
                .getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(metric("/actuator/metrics/hub.identity.tasks.open")).isGreaterThanOrEqualTo(1);
        assertThat(metric("/actuator/metrics/hub.identity.checks?tag=outcome:mismatch")).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(3)
    void cr02AndCr01AreTasks() throws Exception {
        InsiWireMock.answerWith("insi/extracted-from-fixtures/response_CR02_plusieurs_identites.xml");
        Person several = IdentityTestSupport.person("MARTIN", "JEANNE", "19400101", "F", "17300");
        String ref = send(several, "VIG-E2E-3");
        await().atMost(WAIT).until(() -> openTask(ref, "SEVERAL_IDENTITIES"), t -> t != null);
        assertThat(auditEvents(ref, "insi-search")).extracting(AuditEvent::getOutcomeDesc).containsExactly("CR02");
        assertThat(IdentityFhir.insIdentifiers(read(ref))).isEmpty();

        InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml");
        Person none = IdentityTestSupport.person("INCONNUE", "ROSE", "19410203", "F", "17300");
        String ref2 = send(none, "VIG-E2E-4");
        await().atMost(WAIT).until(() -> openTask(ref2, "NOT_FOUND"), t -> t != null);
        assertThat(auditEvents(ref2, "insi-search")).extracting(AuditEvent::getOutcomeDesc).containsExactly("CR01");
        assertThat(IdentityFhir.statuses(read(ref2))).contains(IdentityFhir.PROV);
    }

    @Test
    @Order(4)
    void aTemporaryFaultWaitsAndTheCheckEndsWhenInsiAnswers() throws Exception {
        InsiWireMock.answerWithFault("insi/extracted-from-fixtures/response_SOAPFault_siram_40_insi_102.xml");
        // TEST_2.08_cas1: CORSE ANTHONY, born 1980-03-02 in 2B020
        Person p = IdentityTestSupport.person("CORSE", "ANTHONY", "19800302", "M", "2B020");
        String ref = send(p, "VIG-E2E-5");
        await().atMost(WAIT).until(() -> auditEvents(ref, "insi-search").stream()
                .anyMatch(e -> e.getOutcomeDesc().startsWith("SOAP fault siram_40")));
        assertThat(IdentityFhir.insIdentifiers(read(ref))).isEmpty();
        assertThat(checks.forPatient(ref)).allMatch(k -> k.status() != IdentityCheckStore.Status.DONE);

        InsiWireMock.answerWith("insi/responses/TEST_2.08_cas1_CR00_CORSE_ANTHONY_2B.xml");
        Patient recup = await().atMost(WAIT).until(() -> read(ref),
                x -> IdentityFhir.statuses(x).contains(IdentityFhir.RECUP));
        assertThat(IdentityFhir.insIdentifiers(recup)).extracting(Identifier::getValue)
                .containsExactly("180032B02040123");
        // the audit line is written in its own transaction, just after the Patient's
        await().atMost(WAIT).until(() -> auditEvents(ref, "insi-search").stream()
                .anyMatch(e -> "CR00 match, RECUP set".equals(e.getOutcomeDesc())));
        assertThat(checks.forPatient(ref)).singleElement()
                .satisfies(k -> assertThat(k.outcome()).isEqualTo("match"));
    }

    @Test
    @Order(5)
    void aFaultThatWillNotPassIsATask() throws Exception {
        InsiWireMock.answerWithFault("insi/extracted-from-fixtures/response_SOAPFault_siram_100_desir_550.xml");
        Person p = IdentityTestSupport.person("REFUS", "LUCIEN", "19390506", "M", "17300");
        String ref = send(p, "VIG-E2E-6");
        Map<String, Object> task = await().atMost(WAIT).until(() -> openTask(ref, "INSI_FAILED"), t -> t != null);
        assertThat(task.get("detail").toString()).startsWith("SOAP fault siram_100");
        assertThat(IdentityFhir.insIdentifiers(read(ref))).isEmpty();
    }

    @Test
    @Order(6)
    void anInsAnotherActivePatientHoldsIsNotUsed() throws Exception {
        // TEST_2.05: NIA 1090763220888 key 35 (OID .9) for PROVISOIRE MATRICULE, already held by another Patient
        Patient holder = new Patient();
        holder.setActive(true);
        holder.addIdentifier(new Identifier().setSystem("urn:oid:1.2.250.1.213.1.999.1").setValue("HOLDER-NIA"));
        holder.addIdentifier(IdentityFhir.insIdentifier("109076322088835", "1.2.250.1.213.1.4.9"));
        String holderRef = repo.create(holder).getId().toUnqualifiedVersionless().getValue();
        InsiWireMock.answerWith("insi/responses/TEST_2.05_CR00_NIA_PROVISOIRE_MATRICULE.xml");
        Person p = IdentityTestSupport.person("PROVISOIRE", "MATRICULE", "20090701", "M", "63220");
        String ref = send(p, "VIG-E2E-7");
        Map<String, Object> task = await().atMost(WAIT).until(() -> openTask(ref, "DUPLICATE_INS"), t -> t != null);
        assertThat(List.of(task.get("patient"), task.get("otherPatient"))).containsExactlyInAnyOrder(ref, holderRef);
        assertThat(IdentityFhir.insIdentifiers(read(ref))).isEmpty();
        assertThat(auditEvents(ref, "insi-search")).extracting(AuditEvent::getOutcomeDesc)
                .containsExactly("CR00 match, INS held by another active Patient: task, INS not used");
    }

    @Test
    @Order(7)
    void anInsWithAWrongKeyIsNotUsed() throws Exception {
        // TEST_2.08_cas2: HERMANN GATIEN, INSACTIF key 60 where the NIR gives 76
        InsiWireMock.answerWith("insi/responses/TEST_2.08_cas2_CR00_HERMANN_GATIEN.xml");
        Person p = IdentityTestSupport.person("HERMANN", "GATIEN", "19810324", "M", "63220");
        String ref = send(p, "VIG-E2E-8");
        Map<String, Object> task = await().atMost(WAIT).until(() -> openTask(ref, "INS_INVALID"), t -> t != null);
        assertThat(task.get("detail")).isEqualTo("CR00 INS key invalid");
        assertThat(IdentityFhir.insIdentifiers(read(ref))).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    @SuppressWarnings("unchecked")
    private double metric(String path) {
        List<Map<String, Object>> m = (List<Map<String, Object>>) getJson(path).get("measurements");
        return ((Number) m.get(0).get("value")).doubleValue();
    }

    private String send(Person p, String controlId) throws Exception {
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(IdentityTestSupport.a28Tilleuls(controlId, p)))).isEqualTo("AA");
        }
        return patientRef(p);
    }

    private String patientRef(Person p) {
        return await().atMost(WAIT).until(() -> repo.searchPatientsByIdentifier(
                        "urn:oid:" + IdentityTestSupport.TILLEULS_IPP_OID, p.ipp()), l -> l.size() == 1)
                .get(0).getIdElement().toUnqualifiedVersionless().getValue();
    }

    private Patient read(String ref) {
        return repo.read(Patient.class, new IdType(ref));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> openTask(String patient, String kind) {
        List<Map<String, Object>> items = (List<Map<String, Object>>) getJson("/api/identity-tasks?status=OPEN&kind="
                + kind + "&patient=" + patient).get("items");
        return items.size() == 1 ? items.get(0) : null;
    }

    private ResponseEntity<Map<String, Object>> post(String user, String path, Map<String, ?> body) {
        return as(rest, user).exchange(path, HttpMethod.POST, new HttpEntity<>(body),
                new ParameterizedTypeReference<>() {});
    }

    private List<AuditEvent> auditEvents(String patientRef, String subtype) {
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.add(AuditEvent.SP_ENTITY, new ReferenceParam(patientRef));
        map.add(AuditEvent.SP_SUBTYPE, new TokenParam(AuditTrail.SUBTYPE_SYSTEM, subtype));
        return repo.search(AuditEvent.class, map);
    }
}
