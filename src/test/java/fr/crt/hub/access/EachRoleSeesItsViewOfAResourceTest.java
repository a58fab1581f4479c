package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Element masks on the FHIR API (mappings/access-matrix.yaml, section masks): a home-help worker gets the person's
 * stay without its reason, ward speciality and discharge disposition, and the person without marital status, labelled
 * REDACTED, on every path (read, search, _include, _revinclude, $everything, history, batch); a nurse and the hub's
 * admin get the whole resources; the stored resources are never changed by a masked read; a partner whose role is
 * masked writing back its filtered copy does not erase what it was not shown.
 */
class EachRoleSeesItsViewOfAResourceTest extends HubTestBase {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final String SAAD_FINESS = "170790003";

    final String run = UUID.randomUUID().toString().substring(0, 8);
    String patient;
    String stay;
    /** A liaison note, for the test that makes one. */
    String note;

    @BeforeEach
    void personWithAStay() throws Exception {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:crt-hub:test:masks").setValue(run);
        p.addName().setFamily("MASKS").addGiven("Test");
        p.getMaritalStatus().setText("veuve");
        p.setMultipleBirth(new IntegerType(2));
        patient = create(p);
        Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.PLANNED).setSubject(new Reference(patient));
        e.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("IMP");
        e.addReasonCode().setText("chute");
        e.getServiceType().setText("gériatrie");
        e.getHospitalization().getDischargeDisposition().setText("home");
        e.getHospitalization().addDietPreference().setText("sans sel");
        stay = create(e);
        join("organization", "CRT-home-help-worker-" + run, "home-help-worker");
        join("practitioner", "860-" + run, "60");
        join("organization", SAAD_FINESS, "saad");
    }

    String homeHelp() {
        return "Bearer " + TestTokens.token(TestTokens.structureUser("user-hhw-" + run, "home-help-worker", "CRT-home-help-worker-" + run));
    }

    String nurse() {
        return "Bearer " + TestTokens.token(TestTokens.professional("860-" + run, "60", "FIN-60-" + run));
    }

    String saad() {
        return "Bearer " + TestTokens.token(TestTokens.partner("saad-aide-et-vie"));
    }

    String adminAuth() {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** Every path a resource leaves by, with the types each one returns. */
    Map<String, List<String>> paths() {
        String pid = patient.substring("Patient/".length());
        String eid = stay.substring("Encounter/".length());
        Map<String, List<String>> paths = new LinkedHashMap<>();
        paths.put("GET /fhir/" + stay, List.of("Encounter"));
        paths.put("GET /fhir/Encounter?patient=" + pid, List.of("Encounter"));
        paths.put("GET /fhir/Encounter?_id=" + eid + "&_include=Encounter:subject", List.of("Encounter", "Patient"));
        paths.put("GET /fhir/Patient?_id=" + pid + "&_revinclude=Encounter:subject", List.of("Patient", "Encounter"));
        paths.put("GET /fhir/" + patient + "/$everything", List.of("Patient", "Encounter"));
        paths.put("GET /fhir/" + stay + "/_history", List.of("Encounter"));
        paths.put("GET /fhir/" + patient, List.of("Patient"));
        paths.put("BATCH", List.of("Encounter", "Patient"));
        return paths;
    }

    @Test
    void aHomeHelpWorkerGetsTheMaskedViewOnEveryPath() throws Exception {
        for (Map.Entry<String, List<String>> path : paths().entrySet()) {
            List<Resource> got = call(path.getKey(), homeHelp());
            assertThat(got).extracting(Resource::fhirType).as(path.getKey()).containsAll(path.getValue());
            for (Resource r : got) {
                assertThat(ElementMasks.isRedacted(r)).as(path.getKey() + " " + r.fhirType()).isTrue();
                if (r instanceof Encounter e) {
                    assertThat(e.hasReasonCode()).as(path.getKey()).isFalse();
                    assertThat(e.hasServiceType()).as(path.getKey()).isFalse();
                    assertThat(e.getHospitalization().hasDischargeDisposition()).as(path.getKey()).isFalse();
                    assertThat(e.getHospitalization().getDietPreferenceFirstRep().getText()).as(path.getKey()).isEqualTo("sans sel");
                    assertThat(e.getStatus()).isEqualTo(Encounter.EncounterStatus.PLANNED);
                } else if (r instanceof Patient p) {
                    assertThat(p.hasMaritalStatus()).as(path.getKey()).isFalse();
                    assertThat(p.hasMultipleBirth()).as(path.getKey()).isFalse();
                    assertThat(p.getNameFirstRep().getFamily()).isEqualTo("MASKS");
                }
            }
        }
        // the masked reads changed nothing stored
        assertWhole(call("GET /fhir/" + stay, adminAuth()), "admin after masked reads");
        assertWhole(call("GET /fhir/" + patient, adminAuth()), "admin after masked reads");
    }

    @Test
    void aMaskedElementCannotBeLearntBySearchingOnIt() throws Exception {
        String pid = patient.substring("Patient/".length());
        for (String search : List.of("/fhir/Encounter?patient=" + pid + "&reason-code=chute",
                "/fhir/Encounter?patient=" + pid + "&diagnosis=Condition/1",
                "/fhir/Encounter?patient=" + pid + "&_sort=-reason-code",
                "/fhir/Patient?_id=" + pid + "&_has:Encounter:subject:reason-code=chute",
                "/fhir/Encounter?subject:Patient.link=Patient/1",
                // chains and reverse chains however deep: each link is checked on the types it reaches
                "/fhir/Encounter?episode-of-care.patient.link=Patient/1",
                "/fhir/Communication?encounter.subject:Patient.link=Patient/1",
                "/fhir/Patient?_id=" + pid + "&_has:EpisodeOfCare:patient:_has:Encounter:episode-of-care:reason-code=chute",
                "/fhir/Patient?_id=" + pid + "&_has:Communication:subject:encounter.reason-code=chute",
                // a stay reached through a note's reference, contained or not, is the same stay
                "/fhir/Communication?encounter.reason-code=chute",
                "/fhir/Encounter?reason-code=chute&_contained=true")) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri(search)).header("Authorization", homeHelp())
                    .header("Cache-Control", "no-cache").GET());
            assertThat(r.statusCode()).as(search + " " + r.body()).isEqualTo(403);
            assertThat(r.body()).contains("masked for the role").doesNotContain("chute");
        }
        // what is not masked is searched as before; the nurse (not masked) may search on the reason
        assertThat(send(HttpRequest.newBuilder(uri("/fhir/Encounter?patient=" + pid + "&status=planned"))
                .header("Authorization", homeHelp()).GET()).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/fhir/Encounter?patient=" + pid + "&reason-code:text=chute"))
                .header("Authorization", nurse()).GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void aStayContainedInALiaisonNoteIsMaskedToo() throws Exception {
        Communication n = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSubject(new Reference(patient));
        n.addCategory().addCoding().setCode("liaison");
        n.addPayload().setContent(new org.hl7.fhir.r4.model.StringType("retour à domicile prévu"));
        Encounter contained = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
        contained.setId("#stay");
        contained.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("IMP");
        contained.addReasonCode().setText("chute");
        contained.getServiceType().setText("gériatrie");
        contained.addDiagnosis().setCondition(new Reference("#dx"));
        org.hl7.fhir.r4.model.Condition dx = new org.hl7.fhir.r4.model.Condition();
        dx.setId("#dx");
        dx.getCode().setText("maladie d'Alzheimer");
        n.addContained(contained).addContained(dx);
        n.setEncounter(new Reference("#stay"));
        note = create(n);
        String nid = note.substring("Communication/".length());
        List<String> paths = List.of("GET /fhir/" + note, "GET /fhir/Communication?_id=" + nid, "GET /fhir/" + patient + "/$everything",
                "GET /fhir/" + note + "/_history", "BATCH");

        for (String path : paths) {
            Communication got = noteIn(call(path, homeHelp()), path);
            assertThat(ElementMasks.isRedacted(got)).as(path).isTrue();
            Encounter stay = (Encounter) got.getContained().stream().filter(c -> c instanceof Encounter).findFirst().orElseThrow();
            assertThat(stay.hasReasonCode() || stay.hasServiceType() || stay.hasDiagnosis()).as(path).isFalse();
            assertThat(stay.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
            String json = FHIR.newJsonParser().encodeResourceToString(got);
            assertThat(json).as(path).doesNotContain("Alzheimer", "gériatrie", "chute").contains("retour à domicile");
        }
        for (String auth : List.of(nurse(), adminAuth())) {
            for (String path : paths) {
                assertThat(FHIR.newJsonParser().encodeResourceToString(noteIn(call(path, auth), path)))
                        .as(path).contains("Alzheimer", "gériatrie", "chute");
            }
        }

        // the SAAD writes its view back: the stay's reason and the diagnosis it was not shown stay as stored
        Communication seen = noteIn(call("GET /fhir/" + note, saad()), "saad");
        seen.getPayloadFirstRep().setContent(new org.hl7.fhir.r4.model.StringType("retour à domicile le 9"));
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/fhir/" + note))
                .header("Content-Type", "application/fhir+json").header("Authorization", saad())
                .PUT(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(seen))));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).doesNotContain("Alzheimer", "chute");
        String stored = FHIR.newJsonParser().encodeResourceToString(noteIn(call("GET /fhir/" + note, adminAuth()), "admin"));
        assertThat(stored).contains("retour à domicile le 9", "Alzheimer", "gériatrie", "chute").doesNotContain(ElementMasks.REDACTED);
    }

    Communication noteIn(List<Resource> got, String as) {
        return (Communication) got.stream().filter(r -> r instanceof Communication).findFirst()
                .orElseThrow(() -> new AssertionError(as + ": no note"));
    }

    @Test
    void aNurseAndTheAdminGetTheWholeResources() throws Exception {
        for (String caller : List.of("nurse", "admin")) {
            String auth = caller.equals("nurse") ? nurse() : adminAuth();
            for (Map.Entry<String, List<String>> path : paths().entrySet()) {
                List<Resource> got = call(path.getKey(), auth);
                assertThat(got).extracting(Resource::fhirType).as(caller + " " + path.getKey()).containsAll(path.getValue());
                assertWhole(got, caller + " " + path.getKey());
            }
        }
    }

    @Test
    void aMaskedPartnerWritingBackItsCopyDoesNotEraseWhatItWasNotShown() throws Exception {
        Patient seen = (Patient) call("GET /fhir/" + patient, saad()).get(0);
        assertThat(seen.hasMaritalStatus()).isFalse();
        assertThat(ElementMasks.isRedacted(seen)).isTrue();
        seen.getNameFirstRep().setFamily("MASKS-B");
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/fhir/" + patient))
                .header("Content-Type", "application/fhir+json").header("Authorization", saad())
                .PUT(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(seen))));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).doesNotContain("veuve");
        // the answer is the SAAD's view again
        Patient answered = FHIR.newJsonParser().parseResource(Patient.class, put.body());
        assertThat(answered.hasMaritalStatus()).isFalse();
        assertThat(ElementMasks.isRedacted(answered)).isTrue();

        // the same through a transaction answering with the resources
        answered.getNameFirstRep().setFamily("MASKS-B");
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        tx.addEntry().setResource(answered).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(patient);
        HttpResponse<String> txAnswer = send(HttpRequest.newBuilder(uri("/fhir"))
                .header("Content-Type", "application/fhir+json").header("Authorization", saad())
                .header("Prefer", "return=representation")
                .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(tx))));
        assertThat(txAnswer.statusCode()).as(txAnswer.body()).isEqualTo(200);
        assertThat(txAnswer.body()).doesNotContain("veuve");
        for (var e : FHIR.newJsonParser().parseResource(Bundle.class, txAnswer.body()).getEntry()) {
            if (e.hasResource()) assertThat(ElementMasks.isRedacted(e.getResource())).isTrue();
        }

        Patient stored = (Patient) call("GET /fhir/" + patient, adminAuth()).get(0);
        assertThat(stored.getNameFirstRep().getFamily()).isEqualTo("MASKS-B");
        assertThat(stored.getMaritalStatus().getText()).isEqualTo("veuve");
        assertThat(stored.getMultipleBirthIntegerType().getValue()).isEqualTo(2);
        assertThat(ElementMasks.isRedacted(stored)).as("the label is the copy's, not stored").isFalse();
    }

    // ------------------------------------------------------------------ helpers

    static void assertWhole(List<Resource> got, String as) {
        assertThat(got).as(as).isNotEmpty();
        for (Resource r : got) {
            assertThat(ElementMasks.isRedacted(r)).as(as + " " + r.fhirType()).isFalse();
            if (r instanceof Encounter e) {
                assertThat(e.getReasonCodeFirstRep().getText()).as(as).isEqualTo("chute");
                assertThat(e.getServiceType().getText()).as(as).isEqualTo("gériatrie");
                assertThat(e.getHospitalization().getDischargeDisposition().getText()).as(as).isEqualTo("home");
            } else if (r instanceof Patient p) {
                assertThat(p.getMaritalStatus().getText()).as(as).isEqualTo("veuve");
            }
        }
    }

    /** The fixture's resources in the answer (entries of a Bundle, or the resource itself). */
    List<Resource> call(String request, String authorization) throws Exception {
        HttpRequest.Builder b;
        if (request.equals("BATCH")) {
            Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
            batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(stay);
            batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(patient);
            if (note != null) batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(note);
            b = HttpRequest.newBuilder(uri("/fhir")).header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(batch)));
        } else {
            b = HttpRequest.newBuilder(uri(request.substring("GET ".length()))).header("Cache-Control", "no-cache").GET();
        }
        HttpResponse<String> r = send(b.header("Authorization", authorization));
        assertThat(r.statusCode()).as(request + " " + r.body()).isEqualTo(200);
        List<Resource> out = new ArrayList<>();
        collect(FHIR.newJsonParser().parseResource(r.body()), out);
        return out;
    }

    void collect(IBaseResource res, List<Resource> out) {
        if (res instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) if (e.hasResource()) collect(e.getResource(), out);
        } else if (res instanceof Resource r) {
            String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
            if (ref.equals(patient) || ref.equals(stay) || ref.equals(note)) out.add(r);
        }
    }

    String create(Resource r) throws Exception {
        HttpResponse<String> resp = send(HttpRequest.newBuilder(uri("/fhir/" + r.fhirType()))
                .header("Authorization", adminAuth()).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(r))));
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
        Resource created = (Resource) FHIR.newJsonParser().parseResource(resp.body());
        return created.fhirType() + "/" + created.getIdElement().getIdPart();
    }

    void join(String type, String id, String role) {
        var r = admin().postForEntity("/api/care-teams/" + patient.substring(8) + "/members",
                Map.of("type", type, "id", id, "role", role), Map.class);
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
