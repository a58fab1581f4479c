package fr.crt.hub.fhir;

/**
 * Published after the commit of a change to the canonical repository made from a partner's message (today the
 * TDDUI intake), so that outbound flows can tell the other partners. One event per person changed.
 *
 * @param patientRef        versionless {@code Patient/12}
 * @param originConnectorId the connector the change came from (not to be sent back to it)
 * @param sourceMessageId   the stored message ({@code hub_message.id}) that caused the change
 */
public record CanonicalChanged(String patientRef, String originConnectorId, long sourceMessageId) {}
