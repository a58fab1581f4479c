package fr.crt.hub.mssante;

import fr.crt.hub.store.MessageStatus;

/** What became of a send: the stored outbound message (null when the request itself was wrong), status, reason. */
public record SendResult(Long messageId, MessageStatus status, String reason, String mailMessageId) {

    /** The request named nothing that exists (patient, document): nothing stored, nothing sent. */
    public static SendResult notFound(String reason) {
        return new SendResult(null, null, reason, null);
    }
}
