package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.OutboundTestPartners;
import fr.crt.hub.support.PartnerMllpReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.tddui.TdduiProfiles;
import fr.crt.hub.tddui.TdduiValidator;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * A change about a person reaches each partner of the person's care circle in the partner's format: EHPAD Les
 * Tilleuls as PAM-FR ADT over MLLP, SSIAD du Marais as a TDDUI transaction Bundle over FHIR REST, SAAD Aide et Vie as a
 * file; a partner outside the circle gets nothing, the partner the change came from gets no echo, the INS travels only
 * with a qualified identity. Changes are PAM-FR ADT (support.AdtMessages) sent to the hub's MLLP port.
 */
class EachPartnerGetsWhatItMaySeeInItsFormatTest extends OutboundHubTest {

    final PartnerMllpReceiver ehpad = OutboundTestPartners.ehpad();

    @org.springframework.beans.factory.annotation.Autowired
    TdduiValidator tddui;

    @Test
    void anAdmissionAtTheHospitalReachesTheEhpadTheSsiadAndTheSaadInTheirFormats() throws Exception {
        Person p = newPerson();
        send(fromHospital(AdtMessages.adt("A28", "OUT1-" + run, p, "VH" + run, null, null)));
        String id = hubId(p, HOSPITAL_IPP);
        join(id, "170780001", "ehpad");
        join(id, "170790002", "ssiad");
        join(id, "170790003", "saad");
        // joining the circle: each structure is told at once who the person is (A28, identity-only Bundles)
        await().atMost(WAIT).until(() -> ehpad.about(id).size() == 1 && ssiadGot(id).size() == 1 && saadGot(id).size() == 1);
        assertThat(ehpad.about(id).get(0).field("MSH", 9)).isEqualTo("ADT^A28^ADT_A05");
        assertThat(ssiadGot(id).get(0).getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient");


        send(fromHospital(AdtMessages.adt("A01", "OUT2-" + run, p, "VH" + run, "MH" + run, "INSERT")));

        // EHPAD: PAM-FR ADT^A01 over MLLP, the INS in PID-3 (identity VALI from a partner trusted for its INS)
        await().atMost(WAIT).until(() -> ehpad.about(id).size() == 2);
        PartnerMllpReceiver.Received adt = ehpad.about(id).get(1);
        assertThat(adt.field("MSH", 9)).isEqualTo("ADT^A01^ADT_A01");
        assertThat(adt.field("MSH", 3)).isEqualTo("CRT_HUB");
        assertThat(adt.field("MSH", 5)).isEqualTo("DUI_TILLEULS");
        assertThat(adt.field("MSH", 12)).isEqualTo("2.5^FRA^2.11");
        assertThat(adt.field("PID", 3)).contains(p.nir() + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS");
        assertThat(adt.field("PID", 5)).startsWith(p.birthName() + "^");
        assertThat(adt.field("PID", 7)).isEqualTo(p.birthDate());
        assertThat(adt.field("PID", 32)).isEqualTo("VALI");
        assertThat(adt.field("PV1", 19)).startsWith("VH" + run + "^");
        assertThat(adt.field("ZBE", 4)).isEqualTo("INSERT");
        assertThat(adt.answered()).isEqualTo("AA");

        // SSIAD: a TDDUI transaction Bundle, Patient, the stay and its structure
        await().atMost(WAIT).until(() -> ssiadGot(id).size() == 2);
        Bundle b = ssiadGot(id).get(1);
        assertThat(b.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(b.getMeta().hasProfile(TdduiOutboundBundleWriter.PROFILE_BUNDLE)).isTrue();
        Patient patient = (Patient) b.getEntry().get(0).getResource();
        assertThat(patient.getMeta().hasProfile(TdduiOutboundBundleWriter.PROFILE_PATIENT)).isTrue();
        assertThat(patient.getIdentifier()).anyMatch(i -> p.nir().equals(i.getValue()));
        // POST, as the TDDUI Bundle profile fixes it: the consumer reconciles by the identifiers
        assertThat(b.getEntry()).allSatisfy(e -> assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST));
        assertThat(b.getEntry().get(0).getRequest().getUrl()).isEqualTo("Patient");
        assertThat(b.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient", "Organization", "Encounter");
        Encounter stay = (Encounter) b.getEntry().get(2).getResource();
        assertThat(stay.getSubject().getReference()).isEqualTo(b.getEntry().get(0).getFullUrl());
        assertThat(stay.getIdentifier()).anyMatch(i -> ("VH" + run).equals(i.getValue()));
        // TDDUIEncounterSejour: the stay identifier of the guide, the structure as an Organization created if unknown
        assertThat(stay.getIdentifierFirstRep().getSystem()).isEqualTo(TdduiProfiles.STAY_ID_SYSTEM);
        assertThat(stay.getIdentifierFirstRep().getValue()).isEqualTo("3000897406/" + id + "-SEJOUR-VH" + run);
        assertThat(stay.getServiceProvider().getReference()).isEqualTo(b.getEntry().get(1).getFullUrl());
        assertThat(b.getEntry().get(1).getRequest().getIfNoneExist()).isEqualTo("identifier=" + CanonicalWriter.FINESS_SYSTEM + "|000897406");
        // what leaves passes the hub's own TDDUI validation, as a partner's bundle coming in would have to
        assertThat(tddui.validate(b)).noneMatch(i -> i.severity() == ResultSeverityEnum.ERROR || i.severity() == ResultSeverityEnum.FATAL);

        // SAAD: the same kind of Bundle, as a file, and no temporary file left behind
        await().atMost(WAIT).until(() -> saadGot(id).size() == 2);
        Bundle file = FHIR.newJsonParser().parseResource(Bundle.class, saadGot(id).get(1));
        assertThat(file.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient", "Organization", "Encounter");
        try (var names = java.nio.file.Files.list(OutboundTestPartners.saad())) {
            assertThat(names.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }

        // every message is in the store, DELIVERED, and listed by the API
        await().atMost(WAIT).until(() -> rows(SAAD, id).size() == 2 && "DELIVERED".equals(rows(SAAD, id).get(1).get("STATUS")));
        for (String partner : List.of(EHPAD, SSIAD)) {
            await().atMost(WAIT).until(() -> "DELIVERED".equals(rows(partner, id).get(1).get("STATUS")));
        }
        List<?> listed = admin().getForObject("/api/outbound/messages?partner=" + EHPAD + "&status=DELIVERED&size=500", List.class);
        Object ehpadRow = rows(EHPAD, id).get(1).get("ID");
        assertThat(listed).anyMatch(m -> ehpadRow.equals(((Number) ((Map<?, ?>) m).get("id")).longValue())
                && "A01".equals(((Map<?, ?>) m).get("trigger")));

        // an identity update afterwards: ADT^A31 (the EHPAD already knows the person)
        send(fromHospital(AdtMessages.adt("A31", "OUT3-" + run, p.withBirthName(p.birthName() + "-B"), "VH" + run, null, null)));
        await().atMost(WAIT).until(() -> ehpad.about(id).size() == 3);
        assertThat(ehpad.about(id).get(2).field("MSH", 9)).isEqualTo("ADT^A31^ADT_A05");
        assertThat(ehpad.about(id).get(2).field("PID", 5)).startsWith(p.birthName() + "-B^");
        assertThat(ehpad.about(id).get(2).field("PV1", 2)).isEqualTo("N");
    }

    @Test
    void aPartnerOutsideTheCareCircleGetsNothing() throws Exception {
        Person p = newPerson();
        send(fromHospital(AdtMessages.adt("A28", "OUT4-" + run, p, "VH" + run, null, null)));
        String id = hubId(p, HOSPITAL_IPP);
        join(id, "170780001", "ehpad"); // the EHPAD only

        send(fromHospital(AdtMessages.adt("A31", "OUT5-" + run, p, "VH" + run, null, null)));

        await().atMost(WAIT).until(() -> ehpad.about(id).size() == 2);
        // first message the EHPAD gets about this person, as it joins the circle: a new identity for it; then the update
        assertThat(ehpad.about(id).get(0).field("MSH", 9)).isEqualTo("ADT^A28^ADT_A05");
        assertThat(ehpad.about(id).get(1).field("MSH", 9)).isEqualTo("ADT^A31^ADT_A05");
        // the dispatch of one change stores every recipient's message at once: none for the SSIAD and the SAAD
        assertThat(rows(SSIAD, id)).isEmpty();
        assertThat(rows(SAAD, id)).isEmpty();
        assertThat(ssiadGot(id)).isEmpty();
        assertThat(saadGot(id)).isEmpty();
    }

    @Test
    void thePartnerTheChangeCameFromGetsNoEchoAndAnUnqualifiedIdentityTravelsWithoutItsIns() throws Exception {
        Person p = newPerson();
        // the EHPAD admits the person: it joins the circle (AdmissionApplied); its INS is not trusted (connector)
        send(AdtMessages.adt("A01", "OUT6-" + run, p, "VE" + run, "ME" + run, "INSERT"));
        String id = hubId(p, EHPAD_IPP);
        join(id, "170790002", "ssiad");

        send(AdtMessages.adt("A31", "OUT7-" + run, p.withBirthName(p.birthName() + "-C"), "VE" + run, null, null));

        // the SSIAD is told who the person is as it joins, then the update
        await().atMost(WAIT).until(() -> ssiadGot(id).size() == 2);
        Patient sent = (Patient) ssiadGot(id).get(1).getEntryFirstRep().getResource();
        assertThat(sent.getNameFirstRep().getFamily()).isEqualTo(p.birthName() + "-C");
        // the hub holds no INS for this identity (withheld at intake): nothing INS-like leaves
        assertThat(sent.getIdentifier()).noneMatch(i -> p.nir().equals(i.getValue()));
        // least privilege: the SSIAD gets the hub's id of the person, not the EHPAD's own IPP
        assertThat(sent.getIdentifier()).extracting(i -> i.getSystem()).containsExactly(HUB_ID);
        // no echo to the EHPAD, neither stored nor sent
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> rows(EHPAD, id).isEmpty());
        assertThat(ehpad.about(id)).isEmpty();
    }

    @Test
    void aStructureThePersonOpposedGetsNothingMoreAndTheWithholdingIsAudited() throws Exception {
        Person p = newPerson();
        send(fromHospital(AdtMessages.adt("A28", "OUT8-" + run, p, "VH" + run, null, null)));
        String id = hubId(p, HOSPITAL_IPP);
        joinAndWelcome(id, "170780001", "ehpad", EHPAD);
        joinAndWelcome(id, "170790002", "ssiad", SSIAD);
        // the person opposes the EHPAD (by its FINESS), as the FHIR API would refuse it reads
        Consent deny = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference("Patient/" + id));
        deny.getScope().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/consentscope").setCode("patient-privacy");
        deny.addCategory().addCoding().setSystem("http://loinc.org").setCode("59284-0");
        deny.getProvision().setType(Consent.ConsentProvisionType.DENY).addActor().setReference(new Reference()
                .setIdentifier(new Identifier().setSystem(fr.crt.hub.fhir.CanonicalWriter.FINESS_SYSTEM).setValue("170780001")));
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.valueOf("application/fhir+json"));
        assertThat(admin().exchange("/fhir/Consent", HttpMethod.POST, new HttpEntity<>(FHIR.newJsonParser().encodeResourceToString(deny),
                headers), String.class).getStatusCode().value()).isEqualTo(201);

        send(fromHospital(AdtMessages.adt("A01", "OUT9-" + run, p, "VH" + run, "MH" + run, "INSERT")));

        // the SSIAD still gets the admission; for the EHPAD nothing is built, stored or sent
        await().atMost(WAIT).until(() -> later(ssiadGot(id)).size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> later(rows(EHPAD, id)).isEmpty());
        assertThat(later(ehpad.about(id))).isEmpty();
        Bundle audits = bundle("/fhir/AuditEvent?subtype=" + fr.crt.hub.audit.AuditTrail.SUBTYPE_SYSTEM
                + "|outbound-withheld&entity=Patient/" + id);
        assertThat(audits.getEntry()).hasSize(1);
        AuditEvent withheld = (AuditEvent) audits.getEntryFirstRep().getResource();
        assertThat(withheld.getOutcomeDesc()).contains(EHPAD).doesNotContain(p.birthName());
    }
}
