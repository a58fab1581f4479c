package fr.crt.hub.access;

import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * The care circle and the person's will, over the wire: admissions put the admitting partner in the circle;
 * oppositions per professional / structure; restricted and masked documents; emergency access; writes checked
 * against the matrix; one AuditEvent per request, readable by auditors only.
 */
class CareCircleRulesTest extends HubTestBase {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    org.springframework.security.crypto.password.PasswordEncoder encoder;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> call(String method, String path, String authorization, Resource body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .header("Authorization", authorization);
        headers.forEach(b::header);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/fhir+json")
                    .method(method, HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(body)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String authorization) throws Exception {
        return call("GET", path, authorization, null, Map.of());
    }

    static String adminAuth() {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes());
    }

    static String bearer(Map<String, Object> claims) {
        return "Bearer " + TestTokens.token(claims);
    }

    String create(Resource r) throws Exception {
        HttpResponse<String> resp = call("POST", "/fhir/" + r.fhirType(), adminAuth(), r, Map.of());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
        Resource created = (Resource) FHIR.newJsonParser().parseResource(resp.body());
        return created.fhirType() + "/" + created.getIdElement().getIdPart();
    }

    String newPatient() throws Exception {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:crt-hub:test:circle").setValue(UUID.randomUUID().toString());
        return create(p);
    }

    void join(String patientRef, String type, String id, String role) {
        var r = admin().postForEntity("/api/care-teams/" + patientRef.substring(8) + "/members",
                Map.of("type", type, "id", id, "role", role), Map.class);
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
    }

    Map<String, Object> gp(String rpps) {
        return TestTokens.professional(rpps, "10", "FIN-GP-" + run);
    }

    @Test
    void anAdmissionFromAPartnerPutsItsOrganisationInTheCircle() throws Exception {
        Person p = Person.of(7000 + (int) (Math.random() * 900));
        String control = "CIRCLE-" + run;
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(AdtMessages.adt("A01", control, p, "VC" + run, "MC" + run, "INSERT")))).isEqualTo("AA");
        }
        String ehpad = bearer(TestTokens.partner("ehpad-les-tilleuls"));
        String query = "/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.999.170780001.1%7C" + p.ipp();
        await().atMost(WAIT).until(() -> bundle(get(query, adminAuth())).getTotal() == 1);
        String pid = "Patient/" + bundle(get(query, adminAuth())).getEntryFirstRep().getResource().getIdElement().getIdPart();
        Map<String, Object> team = getJson("/api/care-teams/" + pid.substring(8));
        assertThat((List<?>) team.get("members")).anyMatch(m ->
                "170780001".equals(((Map<?, ?>) m).get("id")) && "ehpad".equals(((Map<?, ?>) m).get("role")));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(get("/fhir/" + pid, ehpad).statusCode()).isEqualTo(200));
        // the hospital, not admitting, sees nothing of this person
        HttpResponse<String> hospital = get("/fhir/" + pid, bearer(TestTokens.partner("chu-x-gam")));
        assertThat(visible(hospital)).isEmpty();
        assertThat(hospital.body()).doesNotContain(p.ipp());
    }

    @Test
    void anA40MergeBringsTheMergedRecordsCircleToTheSurvivor() throws Exception {
        int n = 8000 + (int) (Math.random() * 900);
        Person kept = Person.of(n);
        Person mergedAway = Person.of(n + 1).withBirthName(kept.birthName());
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(AdtMessages.adt("A28", "MRGK-" + run, kept, "VK" + run, null, null)))).isEqualTo("AA");
            assertThat(ackCode(c.send(AdtMessages.adt("A28", "MRGM-" + run, mergedAway, "VM" + run, null, null)))).isEqualTo("AA");
        }
        String keptRef = patientByIpp(kept.ipp());
        String mergedRef = patientByIpp(mergedAway.ipp());
        String rpps = "8M-" + run;
        join(mergedRef, "practitioner", rpps, "10");
        String doctor = bearer(gp(rpps));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(get("/fhir/" + mergedRef, doctor).statusCode()).isEqualTo(200));
        assertThat(visible(get("/fhir/" + keptRef, doctor))).as("not yet in the survivor's circle").isEmpty();

        String a40 = AdtMessages.adt("A40", "MRG-" + run, kept, "VK" + run, null, null)
                .replace("ADT^A40^ADT_A01", "ADT^A40^ADT_A39").replaceAll("\\rPV1\\|[^\\r]*", "")
                + "MRG|" + mergedAway.ipp() + "^^^TILLEULS&1.2.250.1.213.1.999.170780001.1&ISO^PI\r";
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(a40))).isEqualTo("AA");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/fhir/" + keptRef, doctor).statusCode()).isEqualTo(200));
        Map<String, Object> team = getJson("/api/care-teams/" + keptRef.substring(8));
        assertThat((List<?>) team.get("members")).filteredOn(m -> rpps.equals(((Map<?, ?>) m).get("id"))).hasSize(1)
                .allMatch(m -> "10".equals(((Map<?, ?>) m).get("role")));
        assertThat((List<?>) team.get("members")).as("the admitting EHPAD is not duplicated")
                .filteredOn(m -> "170780001".equals(((Map<?, ?>) m).get("id"))).hasSize(1);
    }

    private String patientByIpp(String ipp) {
        String query = "/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.999.170780001.1%7C" + ipp;
        await().atMost(WAIT).until(() -> bundle(get(query, adminAuth())).getTotal() == 1);
        try {
            return "Patient/" + bundle(get(query, adminAuth())).getEntryFirstRep().getResource().getIdElement().getIdPart();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOppositionNamesAProfessionalOrAStructureOrEveryone() throws Exception {
        String pid = newPatient();
        String a = "8A-" + run, b = "8B-" + run;
        join(pid, "practitioner", a, "10");
        join(pid, "practitioner", b, "10");
        join(pid, "organization", "SAAD-" + run, "home-help-worker");
        String helper = bearer(TestTokens.structureUser("h-" + run, "home-help-worker", "SAAD-" + run));
        assertThat(get("/fhir/" + pid, bearer(gp(a))).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/" + pid, helper).statusCode()).isEqualTo(200);

        Consent againstA = CareCircleRulesTest.deny(pid);
        againstA.getProvision().addActor().setReference(new Reference().setIdentifier(
                new org.hl7.fhir.r4.model.Identifier().setSystem(CareCircle.RPPS_SYSTEM).setValue(a)));
        againstA.getProvision().addActor().setReference(new Reference().setIdentifier(
                new org.hl7.fhir.r4.model.Identifier().setSystem(fr.crt.hub.fhir.CanonicalWriter.FINESS_SYSTEM).setValue("SAAD-" + run)));
        create(againstA);
        assertThat(visible(get("/fhir/Patient?_id=" + pid.substring(8), bearer(gp(a))))).isEmpty();
        assertThat(get("/fhir/" + pid, bearer(gp(a))).body()).doesNotContain("urn:crt-hub:test:circle");
        assertThat(visible(get("/fhir/Patient?_id=" + pid.substring(8), helper))).isEmpty();
        assertThat(visible(get("/fhir/Patient?_id=" + pid.substring(8), bearer(gp(b))))).containsExactly(pid);

        create(deny(pid));
        assertThat(visible(get("/fhir/Patient?_id=" + pid.substring(8), bearer(gp(b))))).isEmpty();
    }

    @Test
    void aTdduiAccordGoesWithTheProjectAndNeverCountsAsAnOpposition() throws Exception {
        String pid = newPatient();
        String gpId = "8P-" + run;
        join(pid, "practitioner", gpId, "10");
        join(pid, "organization", "SAAD-P-" + run, "home-help-worker");
        join(pid, "organization", "170780001", "ehpad");
        String gp = bearer(gp(gpId));
        String helper = bearer(TestTokens.structureUser("hp-" + run, "home-help-worker", "SAAD-P-" + run));
        String ehpad = bearer(TestTokens.partner("ehpad-les-tilleuls"));
        Consent againstOther = deny(pid);
        againstOther.getProvision().addActor().setReference(new Reference().setIdentifier(
                new org.hl7.fhir.r4.model.Identifier().setSystem(CareCircle.RPPS_SYSTEM).setValue("8Q-" + run)));
        String opposition = create(againstOther);

        // a batch entry left with nothing the caller may see (the helper reads accords, not oppositions) answers an
        // empty page: the batch is not refused as a whole, and the opposition does not show
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(opposition);
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(pid);
        HttpResponse<String> answered = call("POST", "/fhir", helper, batch, Map.of());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(nested(bundle(answered))).contains(pid).doesNotContain(opposition);

        // the partner writes the person's accord with the project (kind projet-personnalise), not an opposition
        HttpResponse<String> written = call("POST", "/fhir/Consent", ehpad, accord(pid, Consent.ConsentProvisionType.PERMIT), Map.of());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
        String accordRef = "Consent/" + FHIR.newJsonParser().parseResource(Consent.class, written.body()).getIdElement().getIdPart();
        assertThat(call("POST", "/fhir/Consent", ehpad, accord(pid, Consent.ConsentProvisionType.DENY), Map.of()).statusCode())
                .as("an opposition declaring the accord profile").isEqualTo(403);
        assertThat(call("POST", "/fhir/Consent", ehpad, deny(pid), Map.of()).statusCode()).isEqualTo(403);
        Consent turned = accord(pid, Consent.ConsentProvisionType.DENY);
        turned.setId(accordRef);
        assertThat(call("PUT", "/fhir/" + accordRef, ehpad, turned, Map.of()).statusCode()).as("an accord made an opposition").isEqualTo(403);
        assertThat(call("PUT", "/fhir/" + opposition, ehpad, accord(pid, Consent.ConsentProvisionType.PERMIT).setId(opposition), Map.of())
                .statusCode()).as("an opposition made an accord").isEqualTo(403);

        // read with the project; oppositions keep their readers; an accord opposes no one
        assertThat(visible(get("/fhir/Consent?patient=" + pid, helper))).containsExactly(accordRef);
        assertThat(visible(get("/fhir/Consent?patient=" + pid, ehpad))).containsExactly(accordRef);
        assertThat(visible(get("/fhir/Consent?patient=" + pid, gp))).containsExactlyInAnyOrder(accordRef, opposition);
        assertThat(get("/fhir/" + pid, helper).statusCode()).isEqualTo(200);

        // an opposition written by the hub's administrator, whatever profile it declares, opposes
        create(accord(pid, Consent.ConsentProvisionType.DENY));
        assertThat(visible(get("/fhir/Patient?_id=" + pid.substring(8), helper))).isEmpty();
        assertThat(visible(get("/fhir/Consent?patient=" + pid, ehpad))).isEmpty();
    }

    @Autowired
    ca.uhn.fhir.jpa.api.config.JpaStorageSettings storage;

    @Test
    void aBatchOfManyReadsIsAnsweredItsReadsOneAfterTheOther() throws Exception {
        // in parallel, the reads of a batch shared HAPI's AuthorizationInterceptor map of checked resources (not
        // thread-safe): a batch of some seventy reads left threads spinning and every database connection held
        assertThat(storage.getBundleBatchPoolSize()).isEqualTo(1);
        String pid = newPatient();
        String rpps = "8K-" + run;
        join(pid, "practitioner", rpps, "10");
        create(deny(pid).setStatus(Consent.ConsentState.INACTIVE));
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        for (int i = 0; i < 40; i++) {
            batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(pid);
            batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Consent?patient=" + pid);
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/fhir"))
                .timeout(Duration.ofSeconds(120)).header("Authorization", bearer(gp(rpps)))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(batch))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(bundle(r).getEntry()).hasSize(80).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("200"));
    }

    static Consent accord(String pid, Consent.ConsentProvisionType type) {
        Consent c = deny(pid);
        c.getMeta().addProfile("https://interop.esante.gouv.fr/ig/fhir/tddui/StructureDefinition/tddui-consent-accord");
        c.getProvision().setType(type);
        return c;
    }

    /** Refs of the resources of a batch answer, its entries' pages included. */
    static List<String> nested(Bundle b) {
        List<String> out = new java.util.ArrayList<>();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (e.getResource() instanceof Bundle page) out.addAll(nested(page));
            else if (e.hasResource()) out.add(e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart());
        }
        return out;
    }

    @Test
    void restrictedAndMaskedDocumentsAreHonoured() throws Exception {
        String pid = newPatient();
        String doctor = "8D-" + run, nurse = "8N-" + run;
        join(pid, "practitioner", doctor, "10");
        join(pid, "practitioner", nurse, "60");
        String plain = create(doc(pid, null));
        String restricted = create(doc(pid, new org.hl7.fhir.r4.model.Coding(ConsentRules.CONFIDENTIALITY, "R", null)));
        String masked = create(doc(pid, new org.hl7.fhir.r4.model.Coding(ConsentRules.DMP_CONFIDENTIALITY,
                ConsentRules.MASKED_TO_PROFESSIONALS, null)));
        String nurseAuth = bearer(TestTokens.professional(nurse, "60", "FIN-N-" + run));
        assertThat(visible(get("/fhir/DocumentReference?patient=" + pid, bearer(gp(doctor))))).containsExactlyInAnyOrder(plain, restricted);
        assertThat(visible(get("/fhir/DocumentReference?patient=" + pid, nurseAuth))).containsExactly(plain);
        assertThat(visible(get("/fhir/" + pid + "/$everything", nurseAuth))).contains(plain).doesNotContain(restricted, masked);
        assertThat(visible(get("/fhir/DocumentReference?patient=" + pid, adminAuth()))).contains(plain, restricted, masked);
    }

    @Test
    void emergencyAccessOnlyForNamedRolesWithAReasonAndAudited() throws Exception {
        String pid = newPatient();
        String doctor = bearer(TestTokens.professional("8E-" + run, "10", "FIN-E-" + run));
        assertThat(visible(get("/fhir/" + pid, doctor))).isEmpty();
        Map<String, String> noReason = Map.of(EmergencyAccess.PATIENT_HEADER, pid);
        assertThat(call("GET", "/fhir/" + pid, doctor, null, noReason).statusCode()).isEqualTo(403);
        String helper = bearer(TestTokens.structureUser("he-" + run, "home-help-worker", "SAAD-E-" + run));
        assertThat(call("GET", "/fhir/" + pid, helper, null,
                Map.of(EmergencyAccess.PATIENT_HEADER, pid, AccessMatrix.EMERGENCY_REASON_HEADER, "malaise")).statusCode()).isEqualTo(403);
        HttpResponse<String> opened = call("GET", "/fhir/" + pid, doctor, null,
                Map.of(EmergencyAccess.PATIENT_HEADER, pid, AccessMatrix.EMERGENCY_REASON_HEADER, "patient inconscient aux urgences"));
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        assertThat(get("/fhir/" + pid, doctor).statusCode()).as("grant lasts").isEqualTo(200);
        Bundle audits = bundle(get("/fhir/AuditEvent?subtype=" + fr.crt.hub.audit.AuditTrail.SUBTYPE_SYSTEM + "%7Cemergency-access&entity=" + pid, adminAuth()));
        assertThat(audits.getEntry()).extracting(e -> ((AuditEvent) e.getResource()).getOutcome().toCode())
                .contains("0", "4");
    }

    @Test
    void writesFollowTheMatrixAndTheCircle() throws Exception {
        String member = newPatient(), outsider = newPatient();
        String nurseId = "8W-" + run;
        join(member, "practitioner", nurseId, "60");
        join(member, "organization", "SAAD-W-" + run, "home-help-worker");
        String nurse = bearer(TestTokens.professional(nurseId, "60", "FIN-W-" + run));
        String helper = bearer(TestTokens.structureUser("hw-" + run, "home-help-worker", "SAAD-W-" + run));
        assertThat(call("POST", "/fhir/Observation", nurse, obs(member), Map.of()).statusCode()).isEqualTo(201);
        assertThat(call("POST", "/fhir/Observation", nurse, obs(outsider), Map.of()).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/fhir/Observation", helper, obs(member), Map.of()).statusCode()).isEqualTo(403);
        // a nurse writes nursing notes (11506-3) but not a discharge summary (34133-9)
        assertThat(call("POST", "/fhir/DocumentReference", nurse, typed(member, "11506-3"), Map.of()).statusCode()).isEqualTo(201);
        assertThat(call("POST", "/fhir/DocumentReference", nurse, typed(member, "34133-9"), Map.of()).statusCode()).isEqualTo(403);
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        tx.addEntry().setResource(obs(member)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        tx.addEntry().setResource(obs(outsider)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        assertThat(call("POST", "/fhir", nurse, tx, Map.of()).statusCode()).isEqualTo(403);
        assertThat(visible(get("/fhir/Observation?patient=" + outsider, adminAuth()))).isEmpty();
    }

    @Test
    void eachRequestIsAuditedOnceAndOnlyAuditorsReadTheTrail() throws Exception {
        String pid = newPatient();
        String rpps = "8U-" + run;
        join(pid, "practitioner", rpps, "10");
        String doctor = bearer(gp(rpps));
        assertThat(get("/fhir/" + pid + "/$everything", doctor).statusCode()).isEqualTo(200);
        List<AuditEvent> byDoctor = bundle(get("/fhir/AuditEvent?entity=" + pid + "&_count=100", adminAuth())).getEntry().stream()
                .map(x -> (AuditEvent) x.getResource())
                .filter(a -> ("rpps:" + rpps).equals(a.getAgentFirstRep().getWho().getIdentifier().getValue())).toList();
        assertThat(byDoctor).as("one AuditEvent per request, not per resource").hasSize(1);
        AuditEvent e = byDoctor.get(0);
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
        assertThat(e.getAgentFirstRep().getRoleFirstRep().getCodingFirstRep().getCode()).isEqualTo("10");
        assertThat(e.getOutcome().toCode()).isEqualTo("0");

        assertThat(visible(get("/fhir/AuditEvent", doctor))).isEmpty();
        assertThat(visible(get("/fhir/AuditEvent?entity=" + pid, doctor))).isEmpty();
        assertThat(visible(get("/fhir/" + pid + "/$everything", doctor))).noneMatch(r -> r.startsWith("AuditEvent/"));
        String auditor = "auditor-" + run;
        users.createUser(User.withUsername(auditor).password(encoder.encode("pw-" + run)).roles("AUDITOR").build());
        String auditorAuth = "Basic " + Base64.getEncoder().encodeToString((auditor + ":pw-" + run).getBytes());
        assertThat(visible(get("/fhir/AuditEvent?entity=" + pid, auditorAuth))).isNotEmpty().allMatch(r -> r.startsWith("AuditEvent/"));
        assertThat(visible(get("/fhir/" + pid, auditorAuth))).isEmpty();
        assertThat(visible(get("/fhir/Patient", auditorAuth))).isEmpty();
        assertThat(visible(get("/fhir/" + pid + "/$everything", auditorAuth))).isEmpty();
    }

    @Test
    void theCareTeamApiRefusesBadInputAndNonOperators() throws Exception {
        String pid = newPatient();
        var bad = admin().postForEntity("/api/care-teams/" + pid.substring(8) + "/members",
                Map.of("type", "cat", "id", "x", "role", "10"), String.class);
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        assertThat(admin().postForEntity("/api/care-teams/" + pid.substring(8) + "/members",
                Map.of("type", "practitioner", "id", "x", "role", "astronaut"), String.class).getStatusCode().value()).isEqualTo(400);
        assertThat(admin().postForEntity("/api/care-teams/" + pid.substring(8) + "/members",
                Map.of("type", "practitioner", "id", "x y<script>", "role", "10"), String.class).getStatusCode().value()).isEqualTo(400);
        assertThat(admin().postForEntity("/api/care-teams/" + pid.substring(8) + "/members",
                Map.of("type", "practitioner", "id", "x", "role", "10", "start", "2026-13-45"), String.class).getStatusCode().value()).isEqualTo(400);
        assertThat(admin().postForEntity("/api/care-teams/999999999/members",
                Map.of("type", "practitioner", "id", "x", "role", "10"), String.class).getStatusCode().value()).isEqualTo(404);
        String auditor = "aud2-" + run;
        users.createUser(User.withUsername(auditor).password(encoder.encode("pw")).roles("AUDITOR").build());
        assertThat(rest.withBasicAuth(auditor, "pw").postForEntity("/api/care-teams/" + pid.substring(8) + "/members",
                Map.of("type", "practitioner", "id", "x", "role", "10"), String.class).getStatusCode().value()).isEqualTo(403);
        // an ended membership gives no access
        var ended = admin().postForEntity("/api/care-teams/" + pid.substring(8) + "/members",
                Map.of("type", "practitioner", "id", "8X-" + run, "role", "10", "start", "2020-01-01", "end", "2020-12-31"), Map.class);
        assertThat(ended.getStatusCode().value()).isEqualTo(201);
        assertThat(visible(get("/fhir/Patient?_id=" + pid.substring(8), bearer(gp("8X-" + run))))).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    static Consent deny(String pid) {
        Consent c = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference(pid));
        c.getScope().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/consentscope").setCode("patient-privacy");
        c.addCategory().addCoding().setSystem("http://loinc.org").setCode("59284-0");
        c.getProvision().setType(Consent.ConsentProvisionType.DENY);
        return c;
    }

    static DocumentReference doc(String pid, org.hl7.fhir.r4.model.Coding label) {
        DocumentReference d = typed(pid, "11488-4");
        if (label != null) d.addSecurityLabel().addCoding(label);
        return d;
    }

    static DocumentReference typed(String pid, String code) {
        DocumentReference d = new DocumentReference();
        d.setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT);
        d.getType().addCoding().setSystem("http://loinc.org").setCode(code);
        d.setSubject(new Reference(pid));
        d.addContent().getAttachment().setContentType("text/plain").setData("x".getBytes());
        return d;
    }

    static Observation obs(String pid) {
        Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(pid));
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
        return o;
    }

    static Bundle bundle(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return (Bundle) FHIR.newJsonParser().parseResource(r.body());
    }

    static List<String> visible(HttpResponse<String> r) {
        if (r.statusCode() != 200) return List.of();
        var res = FHIR.newJsonParser().parseResource(r.body());
        if (!(res instanceof Bundle b)) return List.of(((Resource) res).fhirType() + "/" + ((Resource) res).getIdElement().getIdPart());
        return b.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource)
                .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart()).toList();
    }
}
