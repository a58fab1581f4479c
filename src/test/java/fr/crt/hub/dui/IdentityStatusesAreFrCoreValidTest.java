package fr.crt.hub.dui;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.identity.IdentityFhir;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What identity vigilance writes on a Patient (INS-NIR slice, RECUP then QUAL with FR Core 2.2.0's
 * {@code fr-core-cs-identity-status}, collection and validation sub-extensions, fr-core-patient-ins profile) stays
 * valid for the FR Core 2.1.0 package the hub validates with (identityStatus is an extensible binding there).
 */
class IdentityStatusesAreFrCoreValidTest {

    static java.util.List<Path> samples() {
        return PamFrSamples.allAdt();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void recupThenQualStayFrCoreValid(Path sample) throws Exception {
        PamFrFhirValidationTest.buildValidator();
        Patient p = new PamFrAdtMapper().map(Hl7Parsing.parse(PamFrSamples.read(sample)), PamFrSamples.PARTNER, true)
                .patient();
        if (p.getIdentifier().stream().noneMatch(i -> "urn:oid:1.2.250.1.213.1.4.8".equals(i.getSystem()))) {
            p.addIdentifier(IdentityFhir.insIdentifier("109076322083489", "1.2.250.1.213.1.4.8"));
        }
        Extension r = IdentityFhir.setConfidenceStatus(p, IdentityFhir.RECUP, "Identité récupérée");
        IdentityFhir.setSubExtension(r, "methodCollection", new Coding(IdentityFhir.CS_METHOD_COLLECTION, "INSI", null));
        IdentityFhir.setSubExtension(r, "dateCollection", IdentityFhir.today());
        assertThat(PamFrFhirValidationTest.errors(p)).as("RECUP").isEmpty();

        r = IdentityFhir.setConfidenceStatus(p, IdentityFhir.QUAL, "Identité qualifiée");
        IdentityFhir.setSubExtension(r, "validationMode", new Coding(IdentityFhir.CS_VALIDATION_MODE, "PA", "Passeport"));
        IdentityFhir.setSubExtension(r, "validationDate", IdentityFhir.today());
        p.getMeta().addProfile(IdentityFhir.PROFILE_PATIENT_INS);
        assertThat(PamFrFhirValidationTest.errors(p)).as("QUAL").isEmpty();
        assertThat(IdentityFhir.statuses(p)).contains("QUAL").doesNotContain("RECUP", "PROV", "VALI");
    }
}
