package fr.crt.hub.store;

import java.time.Instant;

/** Filter for searching the store; null fields do not filter. Paging is keyset-free offset paging, newest first. */
public record MessageQuery(
        String partnerId,
        String messageType,
        String triggerEvent,
        MessageStatus status,
        Instant from,
        Instant to,
        String controlId,
        String patientRef,
        int page,
        int size) {

    public MessageQuery {
        if (size <= 0 || size > 500) size = 50;
        if (page < 0) page = 0;
    }

    public MessageQuery withPage(int newPage) {
        return new MessageQuery(partnerId, messageType, triggerEvent, status, from, to, controlId, patientRef, newPage, size);
    }
}
