package fr.crt.hub.dui;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the mapper's Patient and Encounter through the HAPI FHIR validator with the FR Core 2.1.0 package.
 *
 * <p>FR Core depends on hl7.terminology.r4, hl7.fhir.uv.extensions.r4 and ans.fr.nos, which are not available
 * offline. Only the issues caused by that absence are ignored — see {@link #EXTERNAL_TERMINOLOGY}: an ERROR is
 * ignored only when its text says that a code system / value set (or the profile of a package dependency) cannot
 * be found/resolved, and it names one of the missing packages' namespaces:
 * {@code https://mos.esante.gouv.fr/NOS/} (ans.fr.nos), {@code http://terminology.hl7.org/} (hl7.terminology) or
 * {@code http://hl7.org/fhir/StructureDefinition/patient-birthPlace} (hl7.fhir.uv.extensions). Every other error fails
 * the test.
 */
class PamFrFhirValidationTest {

    static final Path FR_CORE_PACKAGE = PamFrSamples.ROOT.resolve("fhir/packages/hl7.fhir.fr.core-2.1.0.tgz");

    /** The namespaces of FR Core's unavailable dependencies. */
    static final Pattern MISSING_DEPENDENCY_NAMESPACE = Pattern.compile(
            "https://mos\\.esante\\.gouv\\.fr/NOS/|http://terminology\\.hl7\\.org/"
                    + "|http://hl7\\.org/fhir/StructureDefinition/patient-birthPlace");
    /** What the validator says when it cannot find a code system / value set / profile. */
    static final Pattern UNRESOLVABLE = Pattern.compile(
            "(?i)(unknown|could not be found|not be resolved|unable to resolve|unable to find|not found|"
                    + "cannot be found|can't be found|unable to expand|not supported|no definition)");

    static final FhirContext CTX = FhirContext.forR4Cached();
    static FhirValidator validator;

    /** NpmPackageValidationSupport that can also load a package file (its own loader only reads the classpath). */
    static final class FilePackageValidationSupport extends NpmPackageValidationSupport {
        FilePackageValidationSupport(FhirContext ctx) {
            super(ctx);
        }

        void loadPackageFromFile(Path tgz) throws IOException {
            try (InputStream in = Files.newInputStream(tgz)) {
                NpmPackage pkg = NpmPackage.fromPackage(in);
                var folder = pkg.getFolders().get("package");
                for (String file : folder.listFiles()) {
                    if (!file.endsWith(".json") || file.equals("package.json") || file.startsWith(".")) {
                        continue;
                    }
                    String json = new String(folder.getContent().get(file), StandardCharsets.UTF_8);
                    try {
                        IBaseResource resource = CTX.newJsonParser().parseResource(json);
                        addResource(resource);
                    } catch (DataFormatException e) {
                        // ImplementationGuide etc. that R4 structures cannot read: not needed for validation
                    }
                }
            }
        }
    }

    @BeforeAll
    static void buildValidator() throws IOException {
        FilePackageValidationSupport frCore = new FilePackageValidationSupport(CTX);
        frCore.loadPackageFromFile(FR_CORE_PACKAGE);
        ValidationSupportChain chain = new ValidationSupportChain(
                frCore,
                new DefaultProfileValidationSupport(CTX),
                new CommonCodeSystemsTerminologyService(CTX),
                new InMemoryTerminologyServerValidationSupport(CTX),
                new SnapshotGeneratingValidationSupport(CTX));
        validator = CTX.newValidator();
        validator.registerValidatorModule(new FhirInstanceValidator(chain));
    }

    static boolean isAboutMissingDependency(SingleValidationMessage m) {
        String text = m.getMessage();
        return UNRESOLVABLE.matcher(text).find() && MISSING_DEPENDENCY_NAMESPACE.matcher(text).find();
    }

    static List<String> errors(IBaseResource resource) {
        ValidationResult result = validator.validateWithResult(resource);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .filter(m -> !isAboutMissingDependency(m))
                .map(m -> m.getLocationString() + " " + m.getMessage())
                .toList();
    }

    static Stream<Arguments> samplesBothWays() {
        return PamFrSamples.allAdt().stream().flatMap(p -> Stream.of(Arguments.of(p, true), Arguments.of(p, false)));
    }

    @ParameterizedTest
    @MethodSource("samplesBothWays")
    void patientAndEncounterOfEverySampleAreFrCoreValid(Path sample, boolean acceptTestOids) {
        AdtMapping mapping = new PamFrAdtMapper().map(Hl7Parsing.parse(PamFrSamples.read(sample)), PamFrSamples.PARTNER,
                acceptTestOids);
        assertThat(errors(mapping.patient())).as("Patient errors").isEmpty();
        assertThat(errors(mapping.encounter())).as("Encounter errors").isEmpty();
    }

    @Test
    void productionInsPatientIsFrCorePatientInsValid() {
        AdtMapping mapping = new PamFrAdtMapper().map(Hl7Parsing.parse(PamFrSamples.admissionWith(
                s -> s.replace("1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.8"))), PamFrSamples.PARTNER, false);
        assertThat(mapping.patient().getMeta().hasProfile(FrCore.PROFILE_PATIENT_INS)).isTrue();
        assertThat(errors(mapping.patient())).isEmpty();
    }

    @Test
    void theValidatorReallyChecksTheInsProfile() {
        AdtMapping mapping = new PamFrAdtMapper().map(Hl7Parsing.parse(PamFrSamples.read(PamFrSamples.ADMISSION)),
                PamFrSamples.PARTNER, true);
        mapping.patient().getExtension().removeIf(e -> e.getUrl().equals(FrCore.EXT_BIRTH_PLACE));
        assertThat(errors(mapping.patient())).isNotEmpty();
    }
}
