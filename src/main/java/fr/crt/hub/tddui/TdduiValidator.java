package fr.crt.hub.tddui;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Validates a TDDUI Bundle with HAPI's instance validator against the TDDUI StructureDefinitions the hub carries
 * (differentials in {@code fhir/tddui/}, snapshots generated at start on top of FR Core 2.1.0 and R4) and FR Core.
 *
 * <p>Policy for what cannot be checked offline (FR Core's dependencies hl7.terminology, hl7.fhir.uv.extensions and
 * ans.fr.nos are not available, nor are the TDDUI value sets and the profiles the hub does not carry): such issues
 * are kept as warnings and never refuse a bundle. They are: unknown code systems / value sets (any terminology
 * lookup that fails), extensions whose definition is unknown, and profiles the hub does not carry. Everything else
 * the validator reports as error or fatal refuses the bundle.
 */
@Component
@org.springframework.context.annotation.Lazy // FR Core + TDDUI snapshots cost tens of seconds: paid by the first TDDUI post, not by every hub start
public class TdduiValidator {

    static final String FR_CORE_PACKAGE = "fhir/packages/hl7.fhir.fr.core-2.1.0.tgz";

    /** Message ids (HAPI / org.hl7.fhir.validation I18n keys) of what is not verifiable offline. */
    private static final Pattern UNVERIFIABLE_ID = Pattern.compile(
            "(?i)^(Terminology_|TERMINOLOGY_|UNKNOWN_CODESYSTEM|UNKNOWN_CODE_SYSTEM|VALUESET_|Type_Specific_Checks_DT_Code|"
                    + "Extension_EXT_Unknown|EXTENSION_EXT_UNKNOWN|VALIDATION_VAL_PROFILE_UNKNOWN|Validation_VAL_Profile_Unknown|"
                    + "Reference_REF_CantResolveProfile|Reference_REF_NoDisplay)");
    /** Same, by message text when the validator gives no id. */
    private static final Pattern UNVERIFIABLE_TEXT = Pattern.compile(
            "(?i)(unknown code ?system|code ?system .* (could not be found|is unknown|not found)|value ?set .* (not found|could not be found|unknown|not be resolved)"
                    + "|unable to (find|resolve|expand|validate)|cannot be (found|resolved)|not be resolved|unknown extension"
                    + "|profile .* (unknown|not found|could not be resolved)|no definition could be found)");

    private final FhirContext ctx;
    private final FhirValidator validator;

    public TdduiValidator() {
        this.ctx = FhirContext.forR4Cached();
        PrePopulatedValidationSupport tddui = new PrePopulatedValidationSupport(ctx);
        loadTdduiDefinitions(tddui);
        NpmPackageValidationSupport frCore = new NpmPackageValidationSupport(ctx);
        loadPackage(frCore, FR_CORE_PACKAGE);
        SnapshotGeneratingValidationSupport snapshots = new SnapshotGeneratingValidationSupport(ctx);
        ValidationSupportChain chain = new ValidationSupportChain(
                tddui,
                frCore,
                new DefaultProfileValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new UnknownCodeSystemWarningValidationSupport(ctx),
                snapshots);
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(true);
        module.setErrorForUnknownProfiles(false);
        module.setNoTerminologyChecks(false);
        this.validator = ctx.newValidator();
        this.validator.registerValidatorModule(module);
        // snapshots of every TDDUI profile now, so that a broken definition fails the start, not a partner's post
        for (StructureDefinition sd : tddui.fetchAllStructureDefinitions().stream()
                .map(StructureDefinition.class::cast).toList()) {
            checkSnapshot(sd, (StructureDefinition) snapshots.generateSnapshot(
                    new ca.uhn.fhir.context.support.ValidationSupportContext(chain), sd.copy(), sd.getUrl(), null, sd.getName()));
        }
    }

    /**
     * Every cardinality of the differential must be in the generated snapshot: a differential element out of the base
     * order is silently dropped by the snapshot generator, and the constraint would then never be checked.
     */
    private static void checkSnapshot(StructureDefinition diff, StructureDefinition generated) {
        if (generated == null || !generated.hasSnapshot()) {
            throw new IllegalStateException("TDDUI profile " + diff.getUrl() + " has no snapshot");
        }
        for (var d : diff.getDifferential().getElement()) {
            var s = generated.getSnapshot().getElement().stream().filter(e -> e.getId().equals(d.getId())).findFirst()
                    .orElseThrow(() -> new IllegalStateException(diff.getUrl() + ": " + d.getId() + " not in the snapshot"));
            if ((d.hasMin() && d.getMin() != s.getMin()) || (d.hasMax() && !d.getMax().equals(s.getMax()))) {
                throw new IllegalStateException(diff.getUrl() + ": " + d.getId() + " cardinality lost in the snapshot"
                        + " (differential elements must follow the base order)");
            }
        }
    }

    /** One issue of the validation, as it goes into the OperationOutcome. */
    public record Issue(ResultSeverityEnum severity, String code, String location, String message) {
        boolean refuses() {
            return severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL;
        }
    }

    /**
     * Every issue of {@code bundle} validated against the TDDUI Bundle profile (whatever it declares); entries that
     * declare no profile are validated against the TDDUI profile of their type. Unverifiable issues are downgraded
     * to warnings (class comment).
     */
    public List<Issue> validate(Bundle bundle) {
        Bundle copy = bundle.copy();
        for (Bundle.BundleEntryComponent e : copy.getEntry()) {
            Resource r = e.getResource();
            if (r != null && !r.getMeta().hasProfile()) {
                String profile = TdduiProfiles.DEFAULT_BY_TYPE.get(r.fhirType());
                if (profile != null) r.getMeta().addProfile(profile);
            }
        }
        var result = validator.validateWithResult(copy, new ValidationOptions().addProfile(TdduiProfiles.BUNDLE));
        List<Issue> out = new ArrayList<>();
        for (SingleValidationMessage m : result.getMessages()) {
            ResultSeverityEnum severity = m.getSeverity();
            if ((severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) && unverifiable(m)) {
                severity = ResultSeverityEnum.WARNING;
            }
            out.add(new Issue(severity, code(m), m.getLocationString(), m.getMessage()));
        }
        return out;
    }

    static boolean unverifiable(SingleValidationMessage m) {
        String id = m.getMessageId() == null ? "" : m.getMessageId();
        if (UNVERIFIABLE_ID.matcher(id).find()) return true;
        return UNVERIFIABLE_TEXT.matcher(m.getMessage() == null ? "" : m.getMessage()).find();
    }

    /** OperationOutcome issue type: structure for cardinality / value problems, invariant for constraints. */
    private static String code(SingleValidationMessage m) {
        String id = m.getMessageId() == null ? "" : m.getMessageId().toLowerCase(Locale.ROOT);
        if (id.contains("invariant") || id.contains("inv_failed")) return "invariant";
        if (id.contains("terminology") || id.contains("code")) return "code-invalid";
        if (id.contains("required") || id.contains("minimum")) return "required";
        return "structure";
    }

    private void loadTdduiDefinitions(PrePopulatedValidationSupport support) {
        try {
            org.springframework.core.io.Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:fhir/tddui/*.json");
            if (files.length == 0) throw new IllegalStateException("no TDDUI StructureDefinition on the classpath");
            for (org.springframework.core.io.Resource f : files) {
                try (InputStream in = f.getInputStream()) {
                    support.addResource(ctx.newJsonParser().parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the JSON conformance resources of a package from the classpath (only those R4 structures can read). */
    private void loadPackage(NpmPackageValidationSupport support, String classpathTgz) {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(classpathTgz)) {
            if (in == null) throw new IllegalStateException(classpathTgz + " not on the classpath");
            NpmPackage pkg = NpmPackage.fromPackage(in);
            var folder = pkg.getFolders().get("package");
            for (String file : folder.listFiles()) {
                if (!file.endsWith(".json") || file.equals("package.json") || file.startsWith(".")) continue;
                try {
                    support.addResource(ctx.newJsonParser().parseResource(
                            new String(folder.getContent().get(file), StandardCharsets.UTF_8)));
                } catch (DataFormatException e) {
                    // ImplementationGuide and the like: not needed to validate
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
