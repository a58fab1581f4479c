package fr.crt.hub.outbound;

import fr.crt.hub.access.ElementMasks;
import java.util.List;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;

/**
 * One change about one person, as the canonical repository held it right after the change: the Patient and the stays
 * the change wrote, at the versions it wrote (so that each partner gets every state, in order, not only the last).
 *
 * @param patientRef    versionless {@code Patient/12}
 * @param patient       the Patient after the change
 * @param encounters    the stays the change wrote (empty: an identity change)
 * @param sourceTrigger the trigger of the source message when it was HL7 (e.g. {@code A01}); null otherwise
 */
public record ChangeSnapshot(String patientRef, Patient patient, List<Encounter> encounters, String sourceTrigger) {

    public boolean hasStay() {
        return !encounters.isEmpty();
    }

    /** The change as {@code role} may see it: Patient and stays without the elements the matrix masks for it (copies). */
    public ChangeSnapshot maskedFor(String role, ElementMasks masks) {
        return new ChangeSnapshot(patientRef, masks.masked(role, patient),
                encounters.stream().map(e -> masks.masked(role, e)).toList(), sourceTrigger);
    }
}
