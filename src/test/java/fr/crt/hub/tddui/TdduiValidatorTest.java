package fr.crt.hub.tddui;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import fr.crt.hub.support.Samples;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TDDUI profiles the hub carries, on the ANS samples and on broken copies of them (no hub needed). */
class TdduiValidatorTest {

    static final String IME = "fhir/tddui/Bundle-tddui-pp-ime-bundle-example.json";
    static final String V1 = "fhir/tddui/v1-ci-build_Bundle-TDDUIBundleExample.json";
    static final FhirContext CTX = FhirContext.forR4Cached();
    static TdduiValidator validator;

    @BeforeAll
    static void build() {
        validator = new TdduiValidator();
    }

    static Bundle sample(String path) {
        return CTX.newJsonParser().parseResource(Bundle.class, Samples.utf8(path));
    }

    static List<TdduiValidator.Issue> errors(Bundle b) {
        List<TdduiValidator.Issue> all = validator.validate(b);
        all.forEach(i -> System.out.println(i));
        return all.stream().filter(TdduiValidator.Issue::refuses).toList();
    }

    @Test
    void imeSampleIsValid() {
        assertThat(errors(sample(IME))).isEmpty();
    }

    @Test
    void v1SampleIsValid() {
        assertThat(errors(sample(V1))).isEmpty();
    }

    @Test
    void threeDefectsAreThreeErrors() {
        Bundle b = sample(IME);
        ((org.hl7.fhir.r4.model.CarePlan) b.getEntry().get(2).getResource()).setTitle(null);          // title 1..1
        ((org.hl7.fhir.r4.model.Consent) b.getEntry().get(1).getResource()).setDateTimeElement(null); // dateTime 1..1
        ((Patient) b.getEntry().get(0).getResource()).getNameFirstRep().addPrefix("Docteur");       // prefix-restriction
        List<TdduiValidator.Issue> errors = errors(b);
        assertThat(errors).hasSize(3);
        assertThat(errors).extracting(TdduiValidator.Issue::location).anySatisfy(l -> assertThat(l).contains("entry[2]"))
                .anySatisfy(l -> assertThat(l).contains("entry[1]")).anySatisfy(l -> assertThat(l).contains("entry[0]"));
    }

    @Test
    void aCollectionIsNotATdduiBundle() {
        Bundle b = sample(IME).setType(Bundle.BundleType.COLLECTION);
        b.getEntry().forEach(e -> e.setRequest(null));
        assertThat(errors(b)).isNotEmpty();
    }

    @Test
    void consentCarePlanAndTaskConstraintsBite() {
        Bundle b = sample(IME);
        ((org.hl7.fhir.r4.model.Consent) b.getEntry().get(1).getResource()).setPerformer(null);  // performer 1..1
        ((org.hl7.fhir.r4.model.CarePlan) b.getEntry().get(2).getResource()).setTitle(null);     // title 1..1
        ((org.hl7.fhir.r4.model.Task) b.getEntry().get(5).getResource()).setBasedOn(null);       // basedOn 1..1
        assertThat(errors(b)).extracting(TdduiValidator.Issue::message).hasSize(3)
                .anySatisfy(m -> assertThat(m).contains("Consent.performer"))
                .anySatisfy(m -> assertThat(m).contains("CarePlan.title"))
                .anySatisfy(m -> assertThat(m).contains("Task.basedOn"));
    }

    @Test
    void v1DocumentReferenceConstraintsBite() {
        Bundle b = sample(V1);
        var doc = (org.hl7.fhir.r4.model.DocumentReference) b.getEntry().get(0).getResource();
        doc.setMasterIdentifier(null);                                   // masterIdentifier 1..1
        doc.getContentFirstRep().getAttachment().setUrl("http://x/y");   // attachment.url 0..0
        assertThat(errors(b)).hasSize(2);
    }
}
