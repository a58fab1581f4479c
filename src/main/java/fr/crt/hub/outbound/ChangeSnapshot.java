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
 * @param merge         what the change merged into this person, when it was a merge; null otherwise
 */
public record ChangeSnapshot(String patientRef, Patient patient, List<Encounter> encounters, String sourceTrigger,
                             Merge merge) {

    /**
     * The merged-away side of a merge.
     *
     * @param mergedRef       versionless {@code Patient/13}, now inactive and replaced-by {@link #patientRef}
     * @param merged          that Patient as the repository holds it after the merge
     * @param survivorChanged whether the merge changed the survivor beyond its links and metadata (an A40 carrying
     *                        new traits, a survivor created by the A40): partners that only knew the survivor are
     *                        then sent an update
     */
    public record Merge(String mergedRef, Patient merged, boolean survivorChanged) {}

    public ChangeSnapshot(String patientRef, Patient patient, List<Encounter> encounters, String sourceTrigger) {
        this(patientRef, patient, encounters, sourceTrigger, null);
    }

    public boolean hasStay() {
        return !encounters.isEmpty();
    }

    /** The survivor alone, as an identity change (what a partner that never heard of the merged record is sent). */
    public ChangeSnapshot identityOnly() {
        return new ChangeSnapshot(patientRef, patient, List.of(), null, null);
    }

    /** The change as {@code role} may see it: Patient and stays without the elements the matrix masks for it (copies). */
    public ChangeSnapshot maskedFor(String role, ElementMasks masks) {
        return new ChangeSnapshot(patientRef, masks.masked(role, patient),
                encounters.stream().map(e -> masks.masked(role, e)).toList(), sourceTrigger,
                merge == null ? null : new Merge(merge.mergedRef(), masks.masked(role, merge.merged()), merge.survivorChanged()));
    }
}
