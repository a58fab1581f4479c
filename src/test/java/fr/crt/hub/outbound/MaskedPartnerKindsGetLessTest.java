package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.access.AccessMatrix;
import fr.crt.hub.access.ElementMasks;
import fr.crt.hub.support.AdtMessages.Person;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without the hub: what is built for a partner lacks the elements the access matrix masks for its kind, in HL7 v2 (the
 * fields built from them are empty) and in TDDUI Bundles (elements absent, REDACTED label); an unmasked kind gets them;
 * the canonical change itself is never modified.
 */
class MaskedPartnerKindsGetLessTest {

    static final PartnerOutbound SAAD_HL7 = WhatLeavesFollowsTheMatrixAndTheInsRulesTest.partner("saad-v2", "saad", "file",
            Map.of("directory", "/tmp/x", "format", "hl7v2"));
    static final PartnerOutbound SAAD = WhatLeavesFollowsTheMatrixAndTheInsRulesTest.SAAD;
    static final PartnerOutbound EHPAD = WhatLeavesFollowsTheMatrixAndTheInsRulesTest.EHPAD;

    @TempDir
    Path tmp;

    /** The shipped matrix plus a rule masking traits that PAM-FR carries (birth date, address, INS) for the SAAD. */
    ElementMasks masks() throws Exception {
        Path f = tmp.resolve("m.yaml");
        Files.writeString(f, Files.readString(Path.of("mappings/access-matrix.yaml"))
                + "  - roles: [saad]\n    remove: [Patient.birthDate, Patient.address,"
                + " \"Patient.identifier.where(system='urn:oid:1.2.250.1.213.1.4.8')\"]\n");
        return new ElementMasks(new AccessMatrix(f));
    }

    static ChangeSnapshot admissionWithHealthDetails(Person p) {
        ChangeSnapshot c = WhatLeavesFollowsTheMatrixAndTheInsRulesTest.admission(p);
        Encounter e = c.encounters().get(0);
        e.addReasonCode().setText("chute");
        e.getHospitalization().getDischargeDisposition().setText("home");
        c.patient().getMaritalStatus().setText("veuve");
        return c;
    }

    @Test
    void pamFrFieldsBuiltFromMaskedElementsAreEmptyForAMaskedKind() throws Exception {
        ElementMasks masks = masks();
        Person p = Person.of(21);
        ChangeSnapshot change = admissionWithHealthDetails(p);
        PamFrOutboundMapper mapper = new PamFrOutboundMapper(WhatLeavesFollowsTheMatrixAndTheInsRulesTest.PROPS, masks);

        String forSaad = pid(mapper.build(SAAD_HL7, change, Set.of("identity", "stays"), "A01", "M1", new Date()));
        String[] f = forSaad.split("\\|", -1);
        assertThat(f[7]).as("PID-7 birth date").isEmpty();
        // PID-11: no home address (type H); the birth place (BDL, an extension, not Patient.address) stays
        assertThat(f[11]).as("PID-11 address").doesNotContain("^H").contains("^BDL^");
        assertThat(f[3]).as("PID-3 without the INS").doesNotContain(p.nir()).contains("CRT-HUB");
        assertThat(f[5]).as("PID-5 name kept").startsWith(p.birthName() + "^");

        String forEhpad = pid(mapper.build(EHPAD, change, Set.of("identity", "stays"), "A01", "M2", new Date()));
        assertThat(forEhpad.split("\\|", -1)[7]).isEqualTo(p.birthDate());
        assertThat(forEhpad.split("\\|", -1)[11]).contains("^H");
        assertThat(forEhpad).contains(p.nir());
        // the canonical change is untouched
        assertThat(change.patient().hasBirthDate()).isTrue();
        assertThat(change.patient().hasAddress()).isTrue();
    }

    @Test
    void tdduiBundlesOfAMaskedKindLackTheElementsAndSaySo() {
        ElementMasks masks = new ElementMasks(new AccessMatrix(Path.of("mappings/access-matrix.yaml")));
        ChangeSnapshot change = admissionWithHealthDetails(Person.of(22));
        TdduiOutboundBundleWriter writer = new TdduiOutboundBundleWriter(WhatLeavesFollowsTheMatrixAndTheInsRulesTest.PROPS, masks);

        Bundle forSaad = writer.bundle(SAAD, change, Set.of("identity", "stays"), "b1", new Date());
        Patient patient = (Patient) forSaad.getEntry().get(0).getResource();
        Encounter stay = (Encounter) forSaad.getEntry().get(2).getResource(); // after the stay's structure
        assertThat(patient.hasMaritalStatus()).isFalse();
        assertThat(stay.hasReasonCode()).isFalse();
        assertThat(stay.getHospitalization().hasDischargeDisposition()).isFalse();
        assertThat(ElementMasks.isRedacted(patient)).isTrue();
        assertThat(ElementMasks.isRedacted(stay)).isTrue();
        assertThat(stay.getMeta().hasProfile(TdduiOutboundBundleWriter.PROFILE_ENCOUNTER)).isTrue();

        PartnerOutbound ssiad = WhatLeavesFollowsTheMatrixAndTheInsRulesTest.partner("ssiad-x", "ssiad", "fhir",
                Map.of("baseUrl", "http://localhost/fhir"));
        Bundle forSsiad = writer.bundle(ssiad, change, Set.of("identity", "stays"), "b2", new Date());
        Encounter whole = (Encounter) forSsiad.getEntry().get(2).getResource();
        assertThat(whole.getReasonCodeFirstRep().getText()).isEqualTo("chute");
        assertThat(whole.getHospitalization().getDischargeDisposition().getText()).isEqualTo("home");
        assertThat(ElementMasks.isRedacted(whole)).isFalse();
        assertThat(((Patient) forSsiad.getEntry().get(0).getResource()).getMaritalStatus().getText()).isEqualTo("veuve");
        assertThat(change.encounters().get(0).hasReasonCode()).isTrue();
    }

    private static String pid(String er7) {
        for (String seg : er7.split("\r")) if (seg.startsWith("PID|")) return seg;
        throw new AssertionError("no PID");
    }
}
