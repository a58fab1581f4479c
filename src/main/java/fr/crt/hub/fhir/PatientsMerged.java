package fr.crt.hub.fhir;

/**
 * Published (synchronously, inside the writing transaction) when a Patient is merged into another, by an A40 or by a
 * person resolving a vigilance task: the care circle listens, so that whoever followed the merged-away record still
 * follows the person.
 *
 * @param survivorRef versionless {@code Patient/12}, the record that stays
 * @param mergedRef   versionless {@code Patient/13}, now inactive and replaced-by the survivor
 */
public record PatientsMerged(String survivorRef, String mergedRef) {}
