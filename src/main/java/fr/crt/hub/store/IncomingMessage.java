package fr.crt.hub.store;

import java.time.Instant;

/**
 * What the connector knows about a message when it stores it, before acknowledging the sender.
 *
 * @param idempotencyKey partner + control id (the store appends the content hash); null when the message cannot
 *                       be deduplicated
 *                       (unknown sender, unparseable)
 */
public record IncomingMessage(
        String partnerId,
        String connector,
        String transport,
        Instant receivedAt,
        String controlId,
        String messageType,
        String triggerEvent,
        String charset,
        byte[] raw,
        MessageStatus status,
        String statusReason,
        String ackCode,
        String errorLocation,
        String idempotencyKey,
        Long replayOf) {}
