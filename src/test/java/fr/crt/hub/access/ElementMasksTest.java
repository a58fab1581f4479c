package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `masks` section of mappings/access-matrix.yaml: what each role's view of a resource lacks, and bad masks. */
class ElementMasksTest {

    static final Path FILE = Path.of("mappings", "access-matrix.yaml");
    static final String NIR = "urn:oid:1.2.250.1.213.1.4.8";

    @TempDir
    Path tmp;

    static Encounter stay() {
        Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED).setSubject(new Reference("Patient/1"));
        e.setId("Encounter/5");
        e.addReasonCode(new CodeableConcept().setText("chute"));
        e.addDiagnosis().setCondition(new Reference("Condition/9"));
        e.getServiceType().setText("gériatrie");
        e.getHospitalization().getDischargeDisposition().setText("home");
        e.getHospitalization().getDietPreferenceFirstRep().setText("sans sel");
        e.getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-01"));
        return e;
    }

    static Patient person() {
        Patient p = new Patient();
        p.setId("Patient/1");
        p.addIdentifier().setSystem(NIR).setValue("255081416802538");
        p.addIdentifier().setSystem("urn:oid:1.2.3").setValue("IPP1");
        p.addName().setFamily("MASK");
        p.getMaritalStatus().setText("veuve");
        p.setMultipleBirth(new org.hl7.fhir.r4.model.IntegerType(2));
        return p;
    }

    @Test
    void aNonHealthRoleGetsALabelledCopyWithoutTheMaskedElements() {
        ElementMasks masks = new ElementMasks(new AccessMatrix(FILE));
        Encounter stored = stay();
        Encounter seen = masks.masked("home-help-worker", stored);
        assertThat(seen).isNotSameAs(stored);
        assertHomeHelpViewOfTheStay(seen);
        assertThat(seen.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(seen.getPeriod().hasStart()).isTrue();
        assertThat(seen.getIdElement().getIdPart()).isEqualTo("5");
        assertThat(ElementMasks.isRedacted(seen)).isTrue();
        assertThat(seen.getMeta().getSecurity()).hasSize(1);
        // masking the copy again adds no second label; the stored instance is untouched
        assertThat(masks.masked("saad", seen).getMeta().getSecurity()).hasSize(1);
        assertThat(stored.hasReasonCode()).isTrue();
        assertThat(stored.hasDiagnosis()).isTrue();
        assertThat(ElementMasks.isRedacted(stored)).isFalse();

        Patient p = masks.masked("saad", person());
        assertThat(p.hasMaritalStatus()).isFalse();
        assertThat(p.hasMultipleBirth()).isFalse();
        assertThat(p.getIdentifier()).hasSize(2);
        // the social worker keeps the marital status (social assessment), not the stay's diagnoses
        assertThat(masks.masked("social-worker", person()).hasMaritalStatus()).isTrue();
        assertThat(masks.masked("social-worker", stay()).hasDiagnosis()).isFalse();
    }

    /**
     * A liaison note about a stay, the stay contained (#stay) with its diagnosis contained too (#dx, referred to only by
     * the stay's diagnosis), the author's structure (#org) and the note's own reason (#why, a Condition the note states).
     */
    static Communication noteWithContainedStay() {
        Communication note = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED);
        note.setId("Communication/7");
        note.setSubject(new Reference("Patient/1"));
        note.addCategory().addCoding().setCode("liaison");
        Encounter stay = stay();
        stay.setId("#stay");
        stay.getDiagnosisFirstRep().setCondition(new Reference("#dx"));
        org.hl7.fhir.r4.model.Condition dx = new org.hl7.fhir.r4.model.Condition();
        dx.setId("#dx");
        dx.getCode().setText("maladie d'Alzheimer");
        org.hl7.fhir.r4.model.Condition why = new org.hl7.fhir.r4.model.Condition();
        why.setId("#why");
        why.getCode().setText("chute à domicile");
        org.hl7.fhir.r4.model.Organization org = new org.hl7.fhir.r4.model.Organization().setName("SSIAD");
        org.setId("#org");
        note.addContained(stay).addContained(dx).addContained(why).addContained(org);
        note.setEncounter(new Reference("#stay"));
        note.addReasonReference(new Reference("#why"));
        note.setSender(new Reference("#org"));
        return note;
    }

    /** A stay as a home-help worker sees it: no reason, diagnosis, ward or discharge; the diet to prepare meals stays. */
    static void assertHomeHelpViewOfTheStay(Encounter seen) {
        assertThat(seen.hasReasonCode()).isFalse();
        assertThat(seen.hasDiagnosis()).isFalse();
        assertThat(seen.hasServiceType()).isFalse();
        assertThat(seen.getHospitalization().hasDischargeDisposition()).isFalse();
        assertThat(seen.getHospitalization().getDietPreferenceFirstRep().getText()).isEqualTo("sans sel");
    }

    static Encounter containedStay(Communication note) {
        return (Encounter) note.getContained().stream().filter(c -> c instanceof Encounter).findFirst().orElseThrow();
    }

    static java.util.List<String> containedIds(Communication note) {
        return note.getContained().stream().map(ContainedResources::localId).toList();
    }

    @Test
    void containedResourcesAreMaskedByTheirOwnTypeAndWhatOnlyMaskedElementsReachedGoes() {
        ElementMasks masks = new ElementMasks(new AccessMatrix(FILE));
        Communication stored = noteWithContainedStay();
        Communication seen = masks.masked("home-help-worker", stored);

        assertThat(seen).isNotSameAs(stored);
        Encounter stay = containedStay(seen);
        assertHomeHelpViewOfTheStay(stay);
        // the diagnosis was reached only through the stay's masked diagnosis: it goes; what the note says stays
        assertThat(containedIds(seen)).containsExactly("stay", "why", "org");
        assertThat(ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(seen))
                .doesNotContain("Alzheimer", "gériatrie").contains("chute à domicile");
        // the container says it is a filtered view; a contained resource may carry no label (dom-5)
        assertThat(ElementMasks.isRedacted(seen)).isTrue();
        assertThat(stay.getMeta().hasSecurity()).isFalse();
        // the stored note is untouched; unmasked roles get it as it is
        assertThat(containedIds(stored)).containsExactly("stay", "dx", "why", "org");
        assertThat(containedStay(stored).hasReasonCode()).isTrue();
        assertThat(masks.masked("60", stored)).isSameAs(stored);
        Communication bare = new Communication();
        assertThat(masks.masked("home-help-worker", bare)).as("no mask for its type, nothing contained").isSameAs(bare);
    }

    @Test
    void anUpdateByAMaskedRoleKeepsTheMaskedElementsOfContainedResourcesAsStored() {
        ElementMasks masks = new ElementMasks(new AccessMatrix(FILE));
        Communication stored = noteWithContainedStay();
        // what the SAAD writes back: its view, a new stay period, a forged diagnosis under the id it was not shown,
        // and a new contained stay with a reason
        Communication incoming = masks.masked("saad", stored);
        containedStay(incoming).getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-09"));
        containedStay(incoming).addReasonCode().setText("invented");
        org.hl7.fhir.r4.model.Condition forged = new org.hl7.fhir.r4.model.Condition();
        forged.setId("#dx");
        forged.getCode().setText("forged");
        incoming.addContained(forged);
        Encounter other = new Encounter().setStatus(Encounter.EncounterStatus.PLANNED);
        other.setId("#other");
        other.addReasonCode().setText("invented too");
        incoming.addContained(other);
        incoming.addPartOf(new Reference("#other"));

        masks.keepMasked("saad", stored, incoming);
        Encounter stay = containedStay(incoming);
        assertThat(stay.getPeriod().hasEnd()).as("what the SAAD may see and write").isTrue();
        assertThat(stay.getReasonCode()).extracting(CodeableConcept::getText).containsExactly("chute");
        assertThat(stay.getDiagnosisFirstRep().getCondition().getReference()).isEqualTo("#dx");
        assertThat(incoming.getContained()).filteredOn(c -> ContainedResources.localId(c).equals("dx")).singleElement()
                .satisfies(dx -> assertThat(((org.hl7.fhir.r4.model.Condition) dx).getCode().getText()).isEqualTo("maladie d'Alzheimer"));
        assertThat(incoming.getContained()).filteredOn(c -> ContainedResources.localId(c).equals("other")).singleElement()
                .satisfies(e -> assertThat(((Encounter) e).hasReasonCode()).as("nothing stored: nothing kept").isFalse());
        assertThat(ElementMasks.isRedacted(incoming)).isFalse();
    }

    @Test
    void unmaskedRolesGetTheResourceItself() {
        ElementMasks masks = new ElementMasks(new AccessMatrix(FILE));
        Encounter stored = stay();
        for (String role : new String[] {"10", "60", "coordinator", "care-assistant", "ehpad", "ssiad", "hospital", "nobody"}) {
            assertThat(masks.masked(role, stored)).as(role).isSameAs(stored);
        }
        assertThat(masks.masked(null, stored)).isSameAs(stored);
    }

    @Test
    void whereCriteriaTakeOnlyTheMatchingRepetitions() throws Exception {
        ElementMasks masks = new ElementMasks(new AccessMatrix(withRule(
                "  - roles: [care-assistant]\n    remove: [\"Patient.identifier.where(system='" + NIR + "')\", Patient.deceased]\n")));
        Patient stored = person();
        stored.setDeceased(new org.hl7.fhir.r4.model.BooleanType(false));
        Patient seen = masks.masked("care-assistant", stored);
        assertThat(seen.getIdentifier()).extracting(i -> i.getValue()).containsExactly("IPP1");
        assertThat(seen.hasDeceased()).isFalse();
        assertThat(stored.getIdentifier()).hasSize(2);
    }

    @Test
    void anUpdateByAMaskedRoleKeepsTheMaskedElementsAsStored() throws Exception {
        ElementMasks masks = new ElementMasks(new AccessMatrix(withRule(
                "  - roles: [saad]\n    remove: [\"Patient.identifier.where(system='" + NIR + "')\"]\n")));
        Patient stored = person();
        // what the SAAD writes back: its filtered copy, with a new name and an attempt at a marital status
        Patient incoming = masks.masked("saad", stored);
        incoming.getNameFirstRep().setFamily("MASK-B");
        incoming.getMaritalStatus().setText("mariée");
        incoming.addIdentifier().setSystem(NIR).setValue("forged");
        masks.keepMasked("saad", stored, incoming);
        assertThat(incoming.getNameFirstRep().getFamily()).isEqualTo("MASK-B");
        assertThat(incoming.getMaritalStatus().getText()).isEqualTo("veuve");
        assertThat(incoming.hasMultipleBirth()).isTrue();
        assertThat(incoming.getIdentifier()).extracting(i -> i.getValue()).containsExactlyInAnyOrder("IPP1", "255081416802538");
        assertThat(ElementMasks.isRedacted(incoming)).isFalse();

        // nested: a stay written back without its hospitalization keeps the stored discharge disposition
        Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
        masks.keepMasked("saad", stay(), e);
        assertThat(e.getHospitalization().getDischargeDisposition().getText()).isEqualTo("home");
        assertThat(e.getDiagnosis()).hasSize(1);
        // nothing stored: nothing the masked role adds is kept
        Encounter bare = new Encounter();
        Encounter added = new Encounter();
        added.addReasonCode().setText("invented");
        masks.keepMasked("saad", bare, added);
        assertThat(added.hasReasonCode()).isFalse();
        assertThat(added.hasHospitalization()).isFalse();
    }

    @Test
    void aChangedMaskTakesEffectAtReloadAndABadOneKeepsThePrevious() throws Exception {
        Path f = tmp.resolve("m.yaml");
        Files.copy(FILE, f);
        AccessMatrix m = new AccessMatrix(f);
        ElementMasks masks = new ElementMasks(m);
        assertThat(masks.masked("60", stay()).hasReasonCode()).isTrue();

        String text = Files.readString(f) + "  - roles: [\"60\"]\n    remove: [Encounter.reasonCode]\n";
        Files.writeString(f, text);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        m.reload();
        assertThat(masks.masked("60", stay()).hasReasonCode()).isFalse();

        Files.writeString(f, text.replace("remove: [Encounter.reasonCode]", "remove: [Encounter.reasonCodes]"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(10)));
        m.reload();
        assertThat(masks.masked("60", stay()).hasReasonCode()).as("previous matrix kept").isFalse();
        assertThat(masks.masked("home-help-worker", stay()).hasDiagnosis()).isFalse();
    }

    @Test
    void badMasksAreRefusedAtLoadWithTheReason() throws Exception {
        String[][] cases = {
                {"remove: [Encounter.reasonCodes]", "no element Encounter.reasonCodes"},
                {"remove: [Encounter.hospitalization.dischargeDispo]", "no element Encounter.hospitalization.dischargeDispo"},
                {"remove: [Encountre.reasonCode]", "unknown resource type Encountre"},
                {"remove: [reasonCode]", "expected Type.element"},
                {"remove: [Encounter]", "expected Type.element"},
                {"remove: [Encounter.id]", "id may not be masked"},
                {"remove: [Encounter.meta]", "meta may not be masked"},
                {"remove: [Patient.birthDate.value]", "has no child elements"},
                {"remove: [\"Patient.identifier.where(system=)\"]", "criteria do not parse"},
                {"remove: []", "remove (a list of paths) is required"},
        };
        for (String[] c : cases) {
            Path f = withRule("  - roles: [saad]\n    " + c[0] + "\n");
            assertThatThrownBy(() -> new AccessMatrix(f)).as(c[0]).hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> new AccessMatrix(withRule("  - roles: [gardener]\n    remove: [Patient.gender]\n")))
                .hasMessageContaining("unknown role gardener");
        assertThatThrownBy(() -> new AccessMatrix(withRule("  - remove: [Patient.gender]\n")))
                .hasMessageContaining("roles (a list) is required");
        Path notAList = tmp.resolve("notalist.yaml");
        Files.writeString(notAList, Files.readString(FILE).replaceAll("(?s)\nmasks:.*", "\nmasks: {saad: Patient.gender}\n"));
        assertThatThrownBy(() -> new AccessMatrix(notAList)).hasMessageContaining("masks: a list of rules");
        // no section: nobody is masked
        Path none = tmp.resolve("none.yaml");
        Files.writeString(none, Files.readString(FILE).replaceAll("(?s)\nmasks:.*", "\n"));
        Encounter e = stay();
        assertThat(new ElementMasks(new AccessMatrix(none)).masked("home-help-worker", e)).isSameAs(e);
    }

    /** The shipped matrix with one more mask rule. */
    private Path withRule(String rule) throws Exception {
        Path f = Files.createTempFile(tmp, "m", ".yaml");
        Files.writeString(f, Files.readString(FILE) + rule);
        return f;
    }
}
