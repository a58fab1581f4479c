package fr.crt.hub.dui;

import static fr.crt.hub.support.MllpClient.ackCode;
import static fr.crt.hub.support.MllpClient.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.Samples;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every HL7 v2 sample published by ANS ({@code ../shared/samples/hl7v2}) sent to the hub's real MLLP port,
 * with the outcome each one must get: PAM-FR admissions and discharge are accepted and applied; MDM, ORU,
 * ZAM and ACK messages are not ADT and get AR 200 from this listener.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class AnsSamplesOverMllpTest extends HubTestBase {

    public static final List<String> PAM_FR_IN_ORDER = List.of(
            "hl7v2/pam-fr/sgl/admission_ADT_A01.er7",
            "hl7v2/pam-fr/consentement-dmp/ConsentementConsultation_NonOppositionAlimentation.er7",
            "hl7v2/pam-fr/consentement-dmp/NonConsentementConsultation_NonOppositionAlimentation.er7",
            "hl7v2/pam-fr/consentement-dmp/NonConsentementConsultation_OppositionAlimentation.er7",
            "hl7v2/pam-fr/consentement-dmp/NonRecueillieConsentementConsultation_NonOppositionAlimentation.er7",
            "hl7v2/pam-fr/consentement-dmp/NonRecueillieConsentementConsultation_NonRecueillieOppositionAlimentation.er7",
            "hl7v2/pam-fr/consentement-dmp/historical_pam2.10_Consentement_Positif_DMP.er7",
            "hl7v2/pam-fr/sgl/sortie_ADT_A03.er7");

    static final List<String> NOT_ADT = List.of(
            "hl7v2/mdm/cisis-v1.2/MDM_T02.hl7", "hl7v2/mdm/cisis-v1.2/ACK_T02.hl7",
            "hl7v2/mdm/cisis-v2.0/MDM_T02_INIT_N1.er7", "hl7v2/mdm/cisis-v2.0/MDM_T04_DEL_N1.er7",
            "hl7v2/mdm/cisis-v2.0/MDM_T10_RPLC_N1.er7", "hl7v2/mdm/cisis-v2.0/ACK_T04.er7", "hl7v2/mdm/cisis-v2.0/ACK_T10.er7",
            "hl7v2/mdm/cisis-v2.1/MDM_T02_INIT_N1.er7", "hl7v2/mdm/cisis-v2.1/MDM_T02_INIT_N1_Base64.er7",
            "hl7v2/mdm/cisis-v2.1/ACK_T04.er7", "hl7v2/mdm/cisis-v2.1/ACK_T10.er7",
            "hl7v2/mdm/lps-mssante-v1.0/MDM_T02.hl7", "hl7v2/mdm/lps-mssante-v1.0/ACK_T02.hl7",
            "hl7v2/oru/cisis-v1.2/ORU_R01.hl7", "hl7v2/oru/cisis-v1.2/ACK_R01.hl7",
            "hl7v2/oru/cisis-v2.1/ORU_R01_DEL_N1_N3.er7", "hl7v2/oru/cisis-v2.1/ORU_R01_INIT_N1_N3.hl7",
            "hl7v2/oru/cisis-v2.1/ORU_R01_RPLC_N1_N3.er7", "hl7v2/oru/cisis-v2.1/ACK_R01_DEL.er7",
            "hl7v2/oru/cisis-v2.1/ACK_R01_INIT.hl7", "hl7v2/oru/cisis-v2.1/ACK_R01_RPLC.er7",
            "hl7v2/oru/cisis-v2.1/ZAM_Z01_reception_DMP.hl7", "hl7v2/oru/cisis-v2.1/ZAM_Z02_reception_MSS.hl7",
            "hl7v2/oru/cisis-v2.1/ZAM_Z03_lecture_MSS.hl7", "hl7v2/oru/segur-v2.1/ORU_R01_INIT_N3_SEGUR.hl7");

    @Autowired
    MessageStore store;

    @Test
    @Order(1)
    void pamFrSamplesAreAcceptedAndApplied() throws Exception {
        try (MllpClient c = mllp()) {
            for (String sample : PAM_FR_IN_ORDER) {
                byte[] ack = c.sendBytes(Samples.bytes(sample));
                String a = new String(ack, StandardCharsets.ISO_8859_1);
                assertThat(ackCode(a)).as(sample).isEqualTo("AA");
            }
        }
        await().atMost(WAIT).untilAsserted(() -> {
            List<StoredMessage> fromChuX = store.search(new MessageQuery("chu-x-gam", null, null, null, null, null, null, null, 0, 50));
            assertThat(fromChuX).hasSize(PAM_FR_IN_ORDER.size());
            assertThat(fromChuX).extracting(StoredMessage::status).containsOnly(MessageStatus.PROCESSED);
        });
        // the historical 2.10 sample is read as ISO-8859-1, as its MSH-18 says
        assertThat(store.search(new MessageQuery("chu-x-gam", null, null, null, null, null, null, null, 0, 50)))
                .extracting(StoredMessage::charset).contains("ISO-8859-1", "UTF-8");
        // every sample is about the same person and the same stay at CHU-X: one Patient, one Encounter, finished
        Map<String, Object> patients = getJson("/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.999.897406.1|000003");
        assertThat(((Number) patients.get("total")).intValue()).isEqualTo(1);
        var ctx = ca.uhn.fhir.context.FhirContext.forR4Cached();
        String patientJson = admin().getForObject("/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.999.897406.1|000003",
                String.class);
        var bundle = ctx.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, patientJson);
        var patient = bundle.getEntryFirstRep().getResource();
        // other tests of the shared hub write stays of their own: count this person's only
        String stays = "/fhir/Encounter?status=finished&subject=" + patient.getIdElement().toUnqualifiedVersionless().getValue();
        Map<String, Object> encounters = getJson(stays);
        assertThat(((Number) encounters.get("total")).intValue()).isEqualTo(1);

        // what the repository holds, not only what the mapper produced, is FR Core valid
        String encounterJson = admin().getForObject(stays, String.class);
        var encounter = ctx.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, encounterJson)
                .getEntryFirstRep().getResource();
        PamFrFhirValidationTest.buildValidator();
        assertThat(PamFrFhirValidationTest.errors(patient)).as("stored Patient").isEmpty();
        assertThat(PamFrFhirValidationTest.errors(encounter)).as("stored Encounter").isEmpty();
    }

    @Test
    @Order(2)
    void nonAdtSamplesGetAr200() throws Exception {
        try (MllpClient c = mllp()) {
            for (String sample : NOT_ADT) {
                String a = new String(c.sendBytes(Samples.bytes(sample)), StandardCharsets.ISO_8859_1);
                assertThat(ackCode(a)).as(sample).isEqualTo("AR");
                assertThat(field(a, "ERR", 3)).as(sample).startsWith("200");
            }
        }
    }
}
