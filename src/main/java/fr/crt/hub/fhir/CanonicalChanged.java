package fr.crt.hub.fhir;

/**
 * Canonical data about one person changed. Published inside the writing transaction; listeners that act outside the
 * hub (outbound per partner) listen AFTER COMMIT, so that nothing is sent about a change that was rolled back.
 *
 * <p>Also published when an already-applied message is delivered again (crash between commit and the queue's
 * acknowledgement): listeners must be idempotent per {@code sourceMessageId}, and thus see a change whose first
 * publication was lost with the crash.
 *
 * @param patientRef        versionless {@code Patient/12}
 * @param originConnectorId the connector whose message made the change (it gets no echo); null when the hub itself
 * @param sourceMessageId   the stored message ({@code hub_message.id}) that made the change; null when none
 * @param mergedRef         versionless {@code Patient/13} when the change merged that record into {@code patientRef}
 *                          (an A40, or a person resolving a vigilance task with MERGE); null otherwise
 */
public record CanonicalChanged(String patientRef, String originConnectorId, Long sourceMessageId, String mergedRef) {

    public CanonicalChanged(String patientRef, String originConnectorId, Long sourceMessageId) {
        this(patientRef, originConnectorId, sourceMessageId, null);
    }

    public boolean isMerge() {
        return mergedRef != null;
    }
}
