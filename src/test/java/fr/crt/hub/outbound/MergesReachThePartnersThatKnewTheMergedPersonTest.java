package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.identity.TaskKind;
import fr.crt.hub.identity.VigilanceTaskStore;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.OutboundTestPartners;
import fr.crt.hub.support.PartnerMllpReceiver;
import fr.crt.hub.tddui.TdduiValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * A merge of two persons (PAM-FR A40 received, or a vigilance task resolved with MERGE) reaches the partners of
 * either person's circle: the ones that knew the merged-away record get the merge in their format (ADT^A40 with PID +
 * MRG over MLLP, a TDDUI Bundle with both Patients linked replaces / replaced-by over FHIR or as a file); one that only
 * knew the survivor gets the survivor as any identity change when the merge changed it, nothing otherwise. The
 * opposition recorded on either record, the no-echo rule and the order of each person's messages hold.
 */
class MergesReachThePartnersThatKnewTheMergedPersonTest extends OutboundHubTest {

    static final String HUB_CX = "^^^CRT-HUB&1.2.250.1.213.1.999.1.1&ISO^PI";

    final PartnerMllpReceiver ehpad = OutboundTestPartners.ehpad();

    @Autowired
    TdduiValidator tddui;

    @Autowired
    VigilanceTaskStore tasks;

    @Autowired
    OutboundStore store;

    @Autowired
    OutboundPartners partners;

    /** An A40 from {@code sender}'s IPP domain: PID the survivor, MRG-1 the IPP of the record merged away. */
    static String a40(String controlId, Person survivor, Person mergedAway) {
        return AdtMessages.adt("A40", controlId, survivor, "VK", null, null)
                .replace("ADT^A40^ADT_A01", "ADT^A40^ADT_A39").replaceAll("\\rPV1\\|[^\\r]*", "")
                + "MRG|" + mergedAway.ipp() + "^^^TILLEULS&" + EHPAD_IPP + "&ISO^PI\r";
    }

    String hospitalPerson(Person p, String tag) throws Exception {
        send(fromHospital(AdtMessages.adt("A28", tag + run, p, "V" + tag + run, null, null)));
        return hubId(p, HOSPITAL_IPP);
    }

    String mergedRefOf(Object rowId) {
        return jdbc.queryForObject("SELECT merged_patient_ref FROM hub_message WHERE id = ?", String.class, rowId);
    }

    static Bundle parse(String json) {
        return FHIR.newJsonParser().parseResource(Bundle.class, json);
    }

    /** The two Patients of a merge Bundle: survivor first, linked to each other, each with the hub's id of its record. */
    void assertMergeBundle(Bundle b, String survivorId, String mergedId, String nir) {
        assertThat(b.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(b.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient", "Patient");
        assertThat(b.getEntry()).allSatisfy(e -> assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST));
        Patient survivor = (Patient) b.getEntry().get(0).getResource();
        Patient retired = (Patient) b.getEntry().get(1).getResource();
        assertThat(survivor.getActive()).isTrue();
        assertThat(retired.getActive()).isFalse();
        assertThat(survivor.getIdentifier()).anyMatch(i -> HUB_ID.equals(i.getSystem()) && survivorId.equals(i.getValue()));
        assertThat(retired.getIdentifier()).anyMatch(i -> HUB_ID.equals(i.getSystem()) && mergedId.equals(i.getValue()));
        assertThat(survivor.getLink()).singleElement().satisfies(l -> {
            assertThat(l.getType()).isEqualTo(Patient.LinkType.REPLACES);
            assertThat(l.getOther().getReference()).isEqualTo(b.getEntry().get(1).getFullUrl());
        });
        assertThat(retired.getLink()).singleElement().satisfies(l -> {
            assertThat(l.getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
            assertThat(l.getOther().getReference()).isEqualTo(b.getEntry().get(0).getFullUrl());
        });
        if (nir != null) assertThat(survivor.getIdentifier()).anyMatch(i -> nir.equals(i.getValue()));
        // the INS names the person: never on the retired record, which an INS-reconciling consumer would take for it
        assertThat(retired.getIdentifier()).noneMatch(i -> CanonicalWriter.INS_SYSTEMS.contains(i.getSystem()));
        // what leaves passes the hub's own TDDUI validation (FR Core Patient leaves active and link as in R4)
        assertThat(tddui.validate(b)).noneMatch(i -> i.severity() == ResultSeverityEnum.ERROR || i.severity() == ResultSeverityEnum.FATAL);
    }

    @Test
    void anA40FromTheHospitalReachesWhoKnewTheMergedRecordAndUpdatesWhoOnlyKnewTheSurvivor() throws Exception {
        Person kept = newPerson();
        Person away = newPerson();
        String s = hospitalPerson(kept, "MG1K-");
        String m = hospitalPerson(away, "MG1M-");
        joinAndWelcome(m, "170780001", "ehpad", EHPAD);
        joinAndWelcome(m, "170790002", "ssiad", SSIAD);
        joinAndWelcome(s, "170790003", "saad", SAAD);

        // the hospital merges its two records; its A40 also corrects the survivor's birth name
        Person corrected = kept.withBirthName(kept.birthName() + "-F");
        send(fromHospital(a40("MG1-" + run, corrected, away)));

        // EHPAD (knew the merged record): ADT^A40^ADT_A39, PID the survivor with its INS, MRG-1 the merged record
        await().atMost(WAIT).until(() -> ehpad.about(s).size() == 1);
        PartnerMllpReceiver.Received adt = ehpad.about(s).get(0);
        assertThat(adt.field("MSH", 9)).isEqualTo("ADT^A40^ADT_A39");
        assertThat(adt.field("PID", 3)).startsWith(s + HUB_CX)
                .contains(kept.nir() + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS");
        assertThat(adt.field("PID", 5)).startsWith(corrected.birthName() + "^");
        assertThat(adt.field("MRG", 1)).isEqualTo(m + HUB_CX); // the EHPAD holds no IPP of its own for it
        assertThat(adt.field("PV1", 1)).isNull();
        assertThat(adt.answered()).isEqualTo("AA");
        await().atMost(WAIT).until(() -> "DELIVERED".equals(rows(EHPAD, s).get(0).get("STATUS")));
        assertThat(rows(EHPAD, s).get(0).get("TRIGGER_EVENT")).isEqualTo("A40");
        assertThat(mergedRefOf(rows(EHPAD, s).get(0).get("ID"))).isEqualTo("Patient/" + m);

        // SSIAD (knew the merged record): a TDDUI Bundle, the survivor and the retired record linked
        await().atMost(WAIT).until(() -> ssiadGot(s).size() == 1);
        assertMergeBundle(ssiadGot(s).get(0), s, m, kept.nir());
        assertThat(rows(SSIAD, s)).singleElement().satisfies(r -> assertThat(r.get("TRIGGER_EVENT")).isEqualTo("merge"));

        // SAAD (only knew the survivor, whose identity the A40 changed): the survivor as an identity update
        await().atMost(WAIT).until(() -> later(saadGot(s)).size() == 1);
        Bundle update = parse(later(saadGot(s)).get(0));
        assertThat(update.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient");
        Patient survivor = (Patient) update.getEntryFirstRep().getResource();
        assertThat(survivor.getNameFirstRep().getFamily()).isEqualTo(corrected.birthName());
        assertThat(survivor.getLink()).isEmpty();
        assertThat(later(saadGot(s)).get(0)).doesNotContain(marker(m));
        assertThat(mergedRefOf(later(rows(SAAD, s)).get(0).get("ID"))).isNull();
    }

    @Test
    void aMergeDecidedOnAVigilanceTaskReachesBothCirclesAndSparesWhoseViewDidNotChange() throws Exception {
        Person kept = newPerson();
        String a = hospitalPerson(kept, "MG2A-");
        // the EHPAD admits the other record itself (it joins that circle, holds its own IPP on it, was never sent it)
        Person away = newPerson();
        send(AdtMessages.adt("A28", "MG2B-" + run, away, "VB" + run, null, null));
        String b = hubId(away, EHPAD_IPP);
        joinAndWelcome(b, "170790003", "saad", SAAD);
        joinAndWelcome(a, "170790002", "ssiad", SSIAD);
        assertThat(rows(EHPAD, b)).as("no echo of its own A28").isEmpty();

        long task = tasks.open(TaskKind.POSSIBLE_DUPLICATE, "Patient/" + a, "Patient/" + b, null, "test " + run);
        var resolved = admin().postForEntity("/api/identity-tasks/" + task + "/resolve",
                Map.of("resolution", "MERGE", "survivor", "Patient/" + a, "merged", "Patient/" + b, "comment", "same person"),
                Map.class);
        assertThat(resolved.getStatusCode().value()).as(String.valueOf(resolved.getBody())).isEqualTo(200);

        // EHPAD: the merge, MRG-1 naming the merged record by the hub's id and by the EHPAD's own IPP
        await().atMost(WAIT).until(() -> ehpad.about(a).size() == 1);
        PartnerMllpReceiver.Received adt = ehpad.about(a).get(0);
        assertThat(adt.field("MSH", 9)).isEqualTo("ADT^A40^ADT_A39");
        assertThat(adt.field("MRG", 1)).isEqualTo(b + HUB_CX + "~" + away.ipp() + "^^^&" + EHPAD_IPP + "&ISO^PI");
        assertThat(adt.field("PID", 3)).startsWith(a + HUB_CX).doesNotContain(away.ipp());

        // SAAD (file, FHIR format; knew the merged record): the merge Bundle as a file, the first about the survivor
        await().atMost(WAIT).until(() -> saadGot(a).size() == 1);
        assertMergeBundle(parse(saadGot(a).get(0)), a, b, kept.nir());

        // SSIAD only knew the survivor, and a person's merge decision changed nothing it sees: nothing built or sent
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(4)).until(() -> later(rows(SSIAD, a)).isEmpty());
        assertThat(later(ssiadGot(a))).isEmpty();

        // resolving the task again (a double click) is refused and sends nothing more
        var again = admin().postForEntity("/api/identity-tasks/" + task + "/resolve",
                Map.of("resolution", "MERGE", "survivor", "Patient/" + a, "merged", "Patient/" + b), Map.class);
        assertThat(again.getStatusCode().value()).isEqualTo(409);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> rows(EHPAD, a).size() == 1);
    }

    @Test
    void theEhpadsOwnA40IsNotEchoedAndAnOppositionOnTheMergedRecordStillHolds() throws Exception {
        Person kept = newPerson();
        Person away = newPerson();
        send(AdtMessages.adt("A28", "MG3K-" + run, kept, "VK" + run, null, null));
        send(AdtMessages.adt("A28", "MG3M-" + run, away, "VM" + run, null, null));
        String s = hubId(kept, EHPAD_IPP);
        String m = hubId(away, EHPAD_IPP);
        joinAndWelcome(m, "170790002", "ssiad", SSIAD);
        joinAndWelcome(m, "170790003", "saad", SAAD);
        // the person opposes the SSIAD, recorded on the record about to be merged away
        Consent deny = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference("Patient/" + m));
        deny.getScope().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/consentscope").setCode("patient-privacy");
        deny.addCategory().addCoding().setSystem("http://loinc.org").setCode("59284-0");
        deny.getProvision().setType(Consent.ConsentProvisionType.DENY).addActor().setReference(new Reference()
                .setIdentifier(new Identifier().setSystem(CanonicalWriter.FINESS_SYSTEM).setValue("170790002")));
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.valueOf("application/fhir+json"));
        assertThat(admin().exchange("/fhir/Consent", HttpMethod.POST, new HttpEntity<>(FHIR.newJsonParser().encodeResourceToString(deny),
                headers), String.class).getStatusCode().value()).isEqualTo(201);

        send(a40("MG3-" + run, kept, away));

        // the SAAD gets the merge; the SSIAD nothing, audited on the survivor; the EHPAD, which sent it, no echo
        await().atMost(WAIT).until(() -> saadGot(s).size() == 1);
        assertMergeBundle(parse(saadGot(s).get(0)), s, m, null);
        Patient retired = (Patient) parse(saadGot(s).get(0)).getEntry().get(1).getResource();
        assertThat(retired.getIdentifier()).as("the SAAD sees the hub's ids, not the EHPAD's IPP")
                .extracting(Identifier::getSystem).containsExactly(HUB_ID);
        await().atMost(WAIT).until(() -> bundle("/fhir/AuditEvent?subtype=" + fr.crt.hub.audit.AuditTrail.SUBTYPE_SYSTEM
                + "|outbound-withheld&entity=Patient/" + s).getTotal() == 1);
        AuditEvent withheld = (AuditEvent) bundle("/fhir/AuditEvent?subtype=" + fr.crt.hub.audit.AuditTrail.SUBTYPE_SYSTEM
                + "|outbound-withheld&entity=Patient/" + s).getEntryFirstRep().getResource();
        assertThat(withheld.getOutcomeDesc()).contains(SSIAD).doesNotContain(kept.birthName());
        assertThat(rows(SSIAD, s)).isEmpty();
        assertThat(ssiadGot(s)).isEmpty();
        assertThat(rows(EHPAD, s)).isEmpty();
        assertThat(ehpad.about(s)).isEmpty();

        // the opposition moved with the merged record: a later change about the survivor reaches the SAAD, not the SSIAD
        send(AdtMessages.adt("A31", "MG3U-" + run, kept.withBirthName(kept.birthName() + "-U"), "VK" + run, null, null));
        await().atMost(WAIT).until(() -> saadGot(s).size() == 2);
        assertThat(rows(SSIAD, s)).isEmpty();
        assertThat(ssiadGot(s)).isEmpty();
    }

    @Test
    void theMergeDoesNotOvertakeAnEarlierUnqueuedMessageAboutTheMergedPerson() throws Exception {
        Person kept = newPerson();
        Person away = newPerson();
        String s = hospitalPerson(kept, "MG4K-");
        String m = hospitalPerson(away, "MG4M-");
        joinAndWelcome(m, "170780001", "ehpad", EHPAD);
        // a message about the merged person stored but never queued (a crash between the two), as the dispatcher would
        PartnerOutbound p = partners.byId(EHPAD).orElseThrow();
        String er7 = "MSH|^~\\&|CRT_HUB|CRT|DUI_TILLEULS|TILLEULS|20261125120000||ADT^A31^ADT_A05|ORPHM" + run
                + "|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM\rEVN||20261125120000\r"
                + "PID|1||" + m + HUB_CX + "||ORPHAN^MERGED^^^^^L\rPV1|1|N\r";
        long orphan = store.record(p, "Patient/" + m, null, "ORPHM" + run, "ADT", "A31", er7.getBytes(StandardCharsets.UTF_8),
                List.of(), null, MessageStatus.QUEUED, null).orElseThrow();

        send(fromHospital(a40("MG4-" + run, kept, away)));

        // the older message about the merged person leaves first, then the merge about the survivor
        await().atMost(WAIT).until(() -> ehpad.about(s).size() == 1 && later(ehpad.about(m)).size() == 1);
        List<String> order = ehpad.received().stream().map(r -> r.field("MSH", 10))
                .filter(c -> c.equals("ORPHM" + run) || c.equals(ehpad.about(s).get(0).field("MSH", 10))).toList();
        assertThat(order).containsExactly("ORPHM" + run, ehpad.about(s).get(0).field("MSH", 10));
        assertThat(ehpad.about(s).get(0).field("MSH", 9)).isEqualTo("ADT^A40^ADT_A39");
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT status FROM hub_message WHERE id = ?", String.class, orphan)
                .equals("DELIVERED"));
    }
}
