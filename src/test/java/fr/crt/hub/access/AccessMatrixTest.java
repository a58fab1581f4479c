package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mappings/access-matrix.yaml as the hub reads it, and its reload rules. */
class AccessMatrixTest {

    static final Path FILE = Path.of("mappings", "access-matrix.yaml");

    @TempDir
    Path tmp;

    @Test
    void theShippedMatrixAnswersPerRoleAndKind() {
        AccessMatrix m = new AccessMatrix(FILE);
        assertThat(m.allows("10", "identity", Access.WRITE)).isTrue();
        assertThat(m.allows("home-help-worker", "identity", Access.READ)).isTrue();
        assertThat(m.allows("home-help-worker", "identity", Access.WRITE)).isFalse();
        assertThat(m.allows("home-help-worker", "observations", Access.READ)).isFalse();
        // a home-help worker does not read the GP's letters; the EHPAD gets the discharge summary
        assertThat(m.canReceiveDocument("home-help-worker", "34133-9")).isFalse();
        assertThat(m.canReceiveDocument("ehpad", "34133-9")).isTrue();
        // unknown type: default row (physicians only)
        assertThat(m.canReceiveDocument("10", "99999-9")).isTrue();
        assertThat(m.canReceiveDocument("60", "99999-9")).isFalse();
        assertThat(m.allows("nobody", "identity", Access.READ)).isFalse();
        assertThat(m.allows("10", "no-such-kind", Access.READ)).isFalse();
        assertThat(m.emergencyAllowed("10")).isTrue();
        assertThat(m.emergencyAllowed("home-help-worker")).isFalse();
        assertThat(m.roles()).contains("10", "60", "coordinator", "home-help-worker", "ehpad", "ssiad", "saad", "hospital");
    }

    @Test
    void kindOfAResourceFollowsTypeCategoryAndDocumentType() {
        AccessMatrix m = new AccessMatrix(FILE);
        assertThat(m.kindOf(new Patient())).isEqualTo("identity");
        Communication alarm = new Communication();
        alarm.addCategory().addCoding().setCode("alarm");
        assertThat(m.kindOf(alarm)).isEqualTo("alarms");
        Communication note = new Communication();
        note.addCategory().addCoding().setCode("liaison");
        assertThat(m.kindOf(note)).isEqualTo("liaison-notes");
        assertThat(m.kindOf(new Communication())).isNull();
        DocumentReference doc = new DocumentReference();
        doc.getType().addCoding().setSystem("http://loinc.org").setCode("11488-4");
        assertThat(m.kindOf(doc)).isEqualTo("document:11488-4");
        assertThat(m.kindOf(new DocumentReference())).isEqualTo("document:default");
        assertThat(m.kindOf(new Organization())).isNull();
        assertThat(m.isDirectory("Organization")).isTrue();
        assertThat(m.resourceTypes("home-help-worker", Access.READ)).contains("Patient", "Encounter")
                .doesNotContain("Observation", "DocumentReference");
    }

    @Test
    void aTdduiAccordIsTheProjetPersonnaliseButAConsentThatDeniesStaysAnOpposition() {
        AccessMatrix m = new AccessMatrix(FILE);
        String accordProfile = "https://interop.esante.gouv.fr/ig/fhir/tddui/StructureDefinition/tddui-consent-accord";
        Consent accord = new Consent();
        accord.getMeta().addProfile(accordProfile);
        assertThat(m.kindOf(accord)).as("no provision, as the ANS sample").isEqualTo("projet-personnalise");
        accord.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
        assertThat(m.kindOf(accord)).isEqualTo("projet-personnalise");
        assertThat(m.kindOf(new Consent())).isEqualTo("consents");
        Consent other = new Consent();
        other.getMeta().addProfile(accordProfile + "-not");
        assertThat(m.kindOf(other)).isEqualTo("consents");

        Consent deny = accord.copy();
        deny.getProvision().setType(Consent.ConsentProvisionType.DENY);
        assertThat(m.kindOf(deny)).as("declared an accord, but an opposition").isEqualTo("consents");
        Consent nestedDeny = accord.copy();
        nestedDeny.getProvision().addProvision().addProvision().setType(Consent.ConsentProvisionType.DENY);
        assertThat(m.kindOf(nestedDeny)).isEqualTo("consents");
        Consent inactiveDeny = deny.copy().setStatus(Consent.ConsentState.DRAFT);
        assertThat(m.kindOf(inactiveDeny)).as("an update could activate it").isEqualTo("consents");

        // partners write accords with the project, never oppositions; the CarePlan kind split is unchanged
        assertThat(m.allows("ssiad", m.kindOf(accord), Access.WRITE)).isTrue();
        assertThat(m.allows("ssiad", m.kindOf(deny), Access.READ)).isFalse();
        assertThat(m.allows("home-help-worker", m.kindOf(accord), Access.READ)).isTrue();
        assertThat(m.resourceTypes("ehpad", Access.WRITE)).contains("Consent", "CarePlan");
        org.hl7.fhir.r4.model.CarePlan ppcs = new org.hl7.fhir.r4.model.CarePlan();
        assertThat(m.kindOf(ppcs)).isEqualTo("ppcs");
        ppcs.getMeta().addProfile("https://interop.esante.gouv.fr/ig/fhir/tddui/StructureDefinition/tddui-careplan-projet-personnalise");
        assertThat(m.kindOf(ppcs)).isEqualTo("projet-personnalise");
    }

    @Test
    void aChangedFileTakesEffectAndABrokenOneKeepsThePrevious() throws Exception {
        Path f = tmp.resolve("m.yaml");
        Files.copy(FILE, f);
        AccessMatrix m = new AccessMatrix(f);
        assertThat(m.allows("home-help-worker", "observations", Access.READ)).isFalse();

        String text = Files.readString(f).replace("care-assistant: read,\n             ehpad: write, ssiad: write, hospital: read}",
                "care-assistant: read, home-help-worker: read,\n             ehpad: write, ssiad: write, hospital: read}");
        assertThat(text).contains("care-assistant: read, home-help-worker: read,");
        Files.writeString(f, text);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        m.reload();
        assertThat(m.allows("home-help-worker", "observations", Access.READ)).isTrue();

        Files.writeString(f, text.replace("home-help-worker: read,\n", "home-help-worker: maybe,\n"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(10)));
        m.reload();
        assertThat(m.allows("home-help-worker", "observations", Access.READ)).as("previous matrix kept").isTrue();
    }

    @Test
    void badFilesAreRefusedWithTheReason() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, Files.readString(FILE).replace("hospital: write}", "surgeon: write}"));
        assertThatThrownBy(() -> new AccessMatrix(f)).hasMessageContaining("unknown role surgeon");
        Files.writeString(f, "roles: [");
        assertThatThrownBy(() -> new AccessMatrix(f)).isInstanceOf(IllegalStateException.class);
        Files.writeString(f, "");
        assertThatThrownBy(() -> new AccessMatrix(f)).isInstanceOf(IllegalStateException.class);
    }
}
