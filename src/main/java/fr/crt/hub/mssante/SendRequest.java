package fr.crt.hub.mssante;

/**
 * Send a document of a patient to an MSSanté recipient ({@code direct:mssante-send}, {@code POST /api/mssante/send}).
 *
 * @param patientId           {@code Patient/12} or {@code 12}
 * @param documentReferenceId {@code DocumentReference/34} or {@code 34}
 * @param recipient           MSSanté address
 * @param readReceipt         ask for an MDN ({@code Disposition-Notification-To})
 * @param requestedBy         user name, or {@code system:hub} for a flow
 * @param requesterRole       role of the requester (audit)
 */
public record SendRequest(String patientId, String documentReferenceId, String recipient, boolean readReceipt,
                          String requestedBy, String requesterRole) {}
