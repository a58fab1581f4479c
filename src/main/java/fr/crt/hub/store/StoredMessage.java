package fr.crt.hub.store;

import java.time.Instant;

/** One message as kept in the store. {@code raw} is only loaded when asked for. */
public record StoredMessage(
        long id,
        String partnerId,
        String connector,
        String transport,
        Instant receivedAt,
        String controlId,
        String messageType,
        String triggerEvent,
        String charset,
        String sha256,
        int sizeBytes,
        byte[] raw,
        MessageStatus status,
        String statusReason,
        String ackCode,
        String errorLocation,
        int attempts,
        Instant processedAt,
        String patientRef,
        Long duplicateOf,
        Long replayOf) {}
