package fr.crt.hub.dui;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.connector.Connector;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PamFrAdtMapperTest {

    private static final String NIR = "279035121518989";
    private static final String TEST_OID_SYSTEM = "urn:oid:1.2.250.1.213.1.4.10";

    private final PamFrAdtMapper mapper = new PamFrAdtMapper();

    private AdtMapping map(String er7, boolean acceptTestOids) {
        return mapper.map(Hl7Parsing.parse(er7), PamFrSamples.PARTNER, acceptTestOids);
    }

    private AdtMapping map(Path sample, boolean acceptTestOids) {
        return map(PamFrSamples.read(sample), acceptTestOids);
    }

    static Stream<Path> samples() {
        return PamFrSamples.allAdt().stream();
    }

    private static List<Identifier> insIdentifiers(Patient patient) {
        return patient.getIdentifier().stream()
                .filter(id -> id.getType().getCoding().stream().anyMatch(c -> FrCore.CS_V2_0203_FR.equals(c.getSystem())
                        && c.getCode().startsWith("INS")))
                .toList();
    }

    // ------------------------------------------------------------------ every official sample

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleMapsWithItsTestInsWhenTestOidsAreAccepted(Path sample) {
        AdtMapping mapping = map(sample, true);

        Patient patient = mapping.patient();
        assertThat(insIdentifiers(patient)).singleElement().satisfies(id -> {
            assertThat(id.getSystem()).isEqualTo(TEST_OID_SYSTEM);
            assertThat(id.getValue()).isEqualTo(NIR);
            assertThat(id.getType().getCodingFirstRep().getCode()).isEqualTo("INS-NIR-TEST");
            assertThat(id.getUse()).isEqualTo(Identifier.IdentifierUse.OFFICIAL);
        });
        assertThat(patient.getMeta().hasProfile(FrCore.PROFILE_PATIENT_INS)).isTrue();
        assertThat(patient.getIdentifier()).anySatisfy(id -> {
            assertThat(id.getSystem()).isEqualTo("urn:oid:1.2.250.1.999.1.1");
            assertThat(id.getValue()).isEqualTo("000003");
            assertThat(id.getType().hasCoding(FrCore.CS_V2_0203, "PI")).isTrue();
        });
        assertThat(patient.getGender()).isEqualTo(AdministrativeGender.FEMALE);
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1979-03-28");
        assertThat(mapping.encounter()).isNotNull();
        assertThat(mapping.encounter().getClass_().getCode()).isEqualTo("IMP");
        assertThat(mapping.movement()).isNotNull();
        assertThat(mapping.issues()).noneMatch(i -> i.contains(NIR) || i.contains("PAT-TROIS"));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void withoutTestOidsNoInsIsCarriedAndTheMappingSaysWhy(Path sample) {
        AdtMapping mapping = map(sample, false);

        Patient patient = mapping.patient();
        assertThat(insIdentifiers(patient)).isEmpty();
        assertThat(patient.getIdentifier()).noneMatch(id -> NIR.equals(id.getValue()));
        assertThat(patient.getMeta().hasProfile(FrCore.PROFILE_PATIENT)).isTrue();
        assertThat(patient.getMeta().getTag(FrCore.CS_HUB_INS_WITHHELD, "test-oid")).isNotNull();
        assertThat(mapping.issues()).anyMatch(i -> i.contains("test/demo INS OID not accepted"));
    }

    // ------------------------------------------------------------------ details of the SGL admission / discharge

    @Test
    void admissionMapsTraitsStayAndMovement() {
        AdtMapping mapping = map(PamFrSamples.ADMISSION, true);
        assertThat(mapping.trigger()).isEqualTo("A01");

        Patient patient = mapping.patient();
        HumanName official = patient.getName().get(0);
        assertThat(official.getUse()).isEqualTo(HumanName.NameUse.OFFICIAL);
        assertThat(official.getFamily()).isEqualTo("PAT-TROIS");
        assertThat(official.getGivenAsSingleString()).isEqualTo("DOMINIQUE");
        assertThat(((StringType) official.getExtensionByUrl(FrCore.EXT_BIRTH_LIST_GIVEN_NAME).getValue()).getValue())
                .isEqualTo("DOMINIQUE");
        Address birthPlace = (Address) patient.getExtensionByUrl(FrCore.EXT_BIRTH_PLACE).getValue();
        assertThat(((Coding) birthPlace.getExtensionByUrl(FrCore.EXT_ADDRESS_INSEE_CODE).getValue()).getCode())
                .isEqualTo("63220");
        Extension reliability = patient.getExtensionByUrl(FrCore.EXT_IDENTITY_RELIABILITY);
        assertThat(((Coding) reliability.getExtensionByUrl("identityStatus").getValue()).getCode()).isEqualTo("VALI");
        assertThat(patient.getAddressFirstRep().getCity()).isEqualTo("PARIS");

        Encounter encounter = mapping.encounter();
        assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
        assertThat(encounter.getIdentifierFirstRep().getValue()).isEqualTo("000897406");
        assertThat(encounter.getIdentifierFirstRep().getSystem()).isEqualTo("urn:oid:1.2.250.1.999.1.1");
        assertThat(encounter.getPeriod().getStartElement().getValueAsString()).isEqualTo("2024-03-06T11:00:00+01:00");
        assertThat(encounter.getServiceProvider().getIdentifier().getSystem()).isEqualTo("urn:oid:1.2.250.1.71.4.2.2");
        assertThat(encounter.getServiceProvider().getIdentifier().getValue()).isEqualTo("000897406");
        assertThat(encounter.getSubject().getIdentifier().getValue()).isEqualTo("000003");
        assertThat(encounter.getLocation()).extracting(l -> l.getLocation().getIdentifier().getValue())
                .containsExactly("6268", "6268");

        AdtMapping.Movement movement = mapping.movement();
        assertThat(movement.id()).isEqualTo("001");
        assertThat(movement.action()).isEqualTo("INSERT");
        assertThat(movement.historical()).isFalse();
        assertThat(movement.nature()).isEqualTo("HMS");
        assertThat(movement.originalTrigger()).isNull();
        assertThat(mapping.dmp()).isEqualTo(new AdtMapping.DmpConsent("ACTIF", "INO",
                mapping.dmp().feedingOppositionTime(), "IC", mapping.dmp().consultationConsentTime()));
        assertThat(mapping.issues()).isEmpty();
    }

    @Test
    void sglDischargeIsFinishedAndItsShiftedZbeIsRead() {
        AdtMapping mapping = map(PamFrSamples.DISCHARGE, true);

        assertThat(mapping.trigger()).isEqualTo("A03");
        assertThat(mapping.encounter().getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(mapping.encounter().getPeriod().getEndElement().getValueAsString())
                .isEqualTo("2024-03-06T11:00:00+01:00");
        assertThat(mapping.movement().action()).isEqualTo("INSERT");
        assertThat(mapping.movement().id()).isEqualTo("002");
        assertThat(mapping.movement().historical()).isFalse();
        assertThat(mapping.movement().nature()).isEqualTo("HMS");
        assertThat(mapping.issues()).anyMatch(i -> i.startsWith("ZBE fields shifted"));
        assertThat(mapping.encounter().getLocation()).extracting(l -> l.getLocation().getDisplay())
                .containsExactly("Urgences");
        assertThat(mapping.dmp()).isNull();
    }

    @Test
    void consentSamplesCarryTheirZfa() {
        var refusal = map(PamFrSamples.PAM_FR.resolve(
                "consentement-dmp/NonConsentementConsultation_OppositionAlimentation.er7"), true).dmp();
        assertThat(refusal.dmpStatus()).isEqualTo("ACTIF");
        assertThat(refusal.feedingOpposition()).isEqualTo("IO");
        assertThat(refusal.consultationConsent()).isEqualTo("INC");
        var notCollected = map(PamFrSamples.PAM_FR.resolve(
                "consentement-dmp/NonRecueillieConsentementConsultation_NonRecueillieOppositionAlimentation.er7"), true)
                .dmp();
        assertThat(notCollected.feedingOpposition()).isEqualTo("NA");
        assertThat(notCollected.consultationConsent()).isEqualTo("NA");
        assertThat(notCollected.consultationConsentTime()).isNull();
    }

    @Test
    void zfdFeedsTheIdentityReliabilityExtension() {
        Patient patient = map(PamFrSamples.PAM_FR.resolve(
                "consentement-dmp/ConsentementConsultation_NonOppositionAlimentation.er7"), true).patient();
        Extension reliability = patient.getExtensionByUrl(FrCore.EXT_IDENTITY_RELIABILITY);
        assertThat(((Coding) reliability.getExtensionByUrl("methodCollection").getValue()).getCode()).isEqualTo("INSI");
        assertThat(reliability.getExtensionByUrl("dateCollection").getValue().primitiveValue()).isEqualTo("2021-12-01");
    }

    // ------------------------------------------------------------------ INS rule

    @Test
    void insOfAnIdentityThatIsNotQualifiedIsNotCarried() {
        AdtMapping mapping = map(PamFrSamples.admissionWith(s -> s.replace("|VALI|", "|PROV|")), true);
        assertThat(insIdentifiers(mapping.patient())).isEmpty();
        assertThat(mapping.patient().getMeta().getTag(FrCore.CS_HUB_INS_WITHHELD, "identity-not-qualified")).isNotNull();
        assertThat(mapping.issues()).anyMatch(i -> i.contains("not VALI"));
    }

    @Test
    void insWithoutBirthPlaceIsNotCarried() {
        AdtMapping mapping = map(PamFrSamples.admissionWith(s -> s.replace("~^^^^^^BDL^^63220", "")), true);
        assertThat(insIdentifiers(mapping.patient())).isEmpty();
        assertThat(mapping.issues()).anyMatch(i -> i.contains("birth place INSEE code"));
    }

    @Test
    void insOfAnUntrustedPartnerIsNotCarried() {
        Connector untrusted = new Connector("x", "X", "ehpad", PamFrSamples.PARTNER.organisation(),
                PamFrSamples.PARTNER.inbound(), List.of(), "UTF-8", "1.2.250.1.999.1.1",
                new Connector.InsPolicy(false, false));
        AdtMapping mapping = mapper.map(Hl7Parsing.parse(PamFrSamples.read(PamFrSamples.ADMISSION)), untrusted, true);
        assertThat(insIdentifiers(mapping.patient())).isEmpty();
        assertThat(mapping.patient().getMeta().getTag(FrCore.CS_HUB_INS_WITHHELD, "partner-not-trusted")).isNotNull();
    }

    @Test
    void productionInsIsCarriedAsInsNir() {
        AdtMapping mapping = map(PamFrSamples.admissionWith(s -> s.replace("1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.8")),
                false);
        assertThat(insIdentifiers(mapping.patient())).singleElement().satisfies(id -> {
            assertThat(id.getSystem()).isEqualTo("urn:oid:1.2.250.1.213.1.4.8");
            assertThat(id.getType().getCodingFirstRep().getCode()).isEqualTo("INS-NIR");
        });
    }

    @Test
    void badNirKeyIsAnErrorOnPid3WithoutTheNumber() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replace(NIR, "276037510669380")), true),
                "PID-3", MessageRejectedException.UNKNOWN_KEY_IDENTIFIER, false)
                .message().doesNotContain("276037510669380");
    }

    @Test
    void nirContradictingTheTraitsIsAnIssueNotARejection() {
        AdtMapping mapping = map(PamFrSamples.admissionWith(s -> s.replace("|19790328|F|", "|19790328|M|")), true);
        assertThat(mapping.issues()).anyMatch(i -> i.contains("sex digit"));
        assertThat(mapping.issues()).noneMatch(i -> i.contains(NIR));
    }

    // ------------------------------------------------------------------ other triggers (hand-written)

    private static final String MSH = "MSH|^~\\&|GAM|CHU-X|DPI|CHU-X|20240306111154||%s|4001|D|2.5^FRA^2.11|||||FRA|"
            + "UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM\n";
    private static final String PID_NEW = "PID|1||000777^^^CHU-X&000897406&N^PI~" + NIR
            + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||PAT-TROIS^DOMINIQUE^DOMINIQUE DANIELLE^^^^L~"
            + "DUPONT^DOM^^^^^D||19790328|F|||^^^^^^BDL^^63220|||||||||||||||||||||VALI\n";

    @Test
    void a40MergeGivesThePriorIdentifiers() {
        String er7 = MSH.formatted("ADT^A40^ADT_A39") + "EVN||20240306111154\n" + PID_NEW
                + "MRG|000003^^^CHU-X&000897406&N^PI~" + NIR + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS\n";
        AdtMapping mapping = map(er7, true);
        assertThat(mapping.trigger()).isEqualTo("A40");
        assertThat(mapping.encounter()).isNull();
        assertThat(mapping.movement()).isNull();
        assertThat(mapping.priorIdentifiers()).extracting(Identifier::getValue).containsExactly("000003", NIR);
        assertThat(mapping.priorIdentifiers().get(0).getSystem()).isEqualTo("urn:oid:1.2.250.1.999.1.1");
        assertThat(insIdentifiers(mapping.patient())).hasSize(1);
        // used name and birth first-name list
        assertThat(mapping.patient().getName()).extracting(HumanName::getUse)
                .containsExactly(HumanName.NameUse.OFFICIAL, HumanName.NameUse.USUAL);
        assertThat(mapping.patient().getName().get(1).getFamily()).isEqualTo("DUPONT");
        assertThat(mapping.patient().getName().get(0).getGiven()).hasSize(1);
    }

    @Test
    void a47IdentifierChange() {
        String er7 = MSH.formatted("ADT^A47^ADT_A30") + "EVN||20240306111154\n" + PID_NEW
                + "MRG|000003^^^CHU-X&000897406&N^PI\n";
        AdtMapping mapping = map(er7, true);
        assertThat(mapping.trigger()).isEqualTo("A47");
        assertThat(mapping.priorIdentifiers()).extracting(Identifier::getValue).containsExactly("000003");
        assertThat(mapping.patient().getIdentifier()).extracting(Identifier::getValue).contains("000777");
    }

    @Test
    void a40WithoutMrgIsAnError() {
        assertRejected(() -> map(MSH.formatted("ADT^A40^ADT_A39") + "EVN||20240306111154\n" + PID_NEW, true),
                "MRG", MessageRejectedException.SEGMENT_SEQUENCE_ERROR, false);
    }

    @Test
    void a31UpdatesIdentityWithoutStay() {
        String er7 = MSH.formatted("ADT^A31^ADT_A05") + "EVN||20240306111154\n" + PID_NEW + "PV1|1|N\n";
        AdtMapping mapping = map(er7, true);
        assertThat(mapping.encounter()).isNull();
        assertThat(insIdentifiers(mapping.patient())).hasSize(1);
    }

    @Test
    void a21LeaveOfAbsenceAndA22Return() {
        String leave = PamFrSamples.admissionWith(s -> s.replace("ADT^A01^ADT_A01", "ADT^A21^ADT_A21")
                .replace("ZBE|001^CHU-X^000897406|20240306110000", "ZBE|002^CHU-X^000897406|20240307100000"));
        AdtMapping a21 = map(leave, true);
        assertThat(a21.encounter().getStatus()).isEqualTo(Encounter.EncounterStatus.ONLEAVE);
        assertThat(a21.movement().id()).isEqualTo("002");
        assertThat(a21.encounter().hasPeriod()).isFalse(); // ZBE-2 of a leave is not the admission date
        assertThat(a21.issues()).anyMatch(i -> i.contains("period unknown"));

        String back = leave.replace("ADT^A21^ADT_A21", "ADT^A22^ADT_A21");
        assertThat(map(back, true).encounter().getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
    }

    @Test
    void a11CancelsTheAdmission() {
        String cancel = PamFrSamples.admissionWith(s -> s.replace("ADT^A01^ADT_A01", "ADT^A11^ADT_A09")
                .replace("|INSERT|N||", "|CANCEL|N|A01|"));
        AdtMapping mapping = map(cancel, true);
        assertThat(mapping.encounter().getStatus()).isEqualTo(Encounter.EncounterStatus.CANCELLED);
        assertThat(mapping.movement().action()).isEqualTo("CANCEL");
        assertThat(mapping.movement().originalTrigger()).isEqualTo("A01");
    }

    @Test
    void a13CancelDischargeAndA38CancelPreAdmission() {
        String a13 = PamFrSamples.admissionWith(s -> s.replace("ADT^A01^ADT_A01", "ADT^A13^ADT_A01")
                .replace("|INSERT|N||", "|CANCEL|N|A03|"));
        assertThat(map(a13, true).encounter().getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
        String a05 = PamFrSamples.admissionWith(s -> s.replace("ADT^A01^ADT_A01", "ADT^A05^ADT_A05"));
        assertThat(map(a05, true).encounter().getStatus()).isEqualTo(Encounter.EncounterStatus.PLANNED);
        String a38 = PamFrSamples.admissionWith(s -> s.replace("ADT^A01^ADT_A01", "ADT^A38^ADT_A38")
                .replace("|INSERT|N||", "|CANCEL|N|A05|"));
        assertThat(map(a38, true).encounter().getStatus()).isEqualTo(Encounter.EncounterStatus.CANCELLED);
    }

    @Test
    void updateOrCancelWithoutOriginalTriggerIsAnError() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replace("|INSERT|N||", "|UPDATE|N||")), true),
                "ZBE-6", MessageRejectedException.REQUIRED_FIELD_MISSING, false);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void unsupportedTriggerIsRejected() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replace("ADT^A01^ADT_A01", "ADT^A99")), true),
                "MSH-9", MessageRejectedException.UNSUPPORTED_EVENT_CODE, true);
    }

    @Test
    void missingPidIsAnError() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replaceAll("(?m)^PID\\|.*\\n", "")), true),
                "PID", MessageRejectedException.SEGMENT_SEQUENCE_ERROR, false);
    }

    @Test
    void missingPid3IsAnError() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replaceAll("PID\\|1\\|\\|[^|]*\\|", "PID|1|||")), true),
                "PID-3", MessageRejectedException.REQUIRED_FIELD_MISSING, false);
    }

    @Test
    void badBirthDateIsAnErrorOnPid7() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replace("|19790328|", "|19791328|")), true),
                "PID-7", MessageRejectedException.DATA_TYPE_ERROR, false)
                .message().doesNotContain("19791328");
    }

    @Test
    void unknownGenderIsAnErrorOnPid8() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replace("|19790328|F|", "|19790328|X|")), true),
                "PID-8", MessageRejectedException.TABLE_VALUE_NOT_FOUND, false);
    }

    @Test
    void badMovementDateIsAnErrorOnZbe2() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replace("|20240306110000|", "|2024030611xx|")), true),
                "ZBE-2", MessageRejectedException.DATA_TYPE_ERROR, false);
    }

    @Test
    void missingVisitNumberIsAnError() {
        assertRejected(() -> map(PamFrSamples.admissionWith(s -> s.replace("000897406^^^CHU-X&000897406&M^VN^^20210409",
                "")), true), "PV1-19", MessageRejectedException.REQUIRED_FIELD_MISSING, false);
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRejected(ThrowingCallable call,
            String location, int code, boolean reject) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(MessageRejectedException.class);
        MessageRejectedException e = (MessageRejectedException) thrown;
        assertThat(e.location()).isEqualTo(location);
        assertThat(e.errorCode()).isEqualTo(code);
        assertThat(e.reject()).isEqualTo(reject);
        return assertThat(e);
    }
}
