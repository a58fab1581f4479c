package fr.crt.hub.store;

import java.time.Instant;

/** One stage in a message's life: RECEIVED, ACK, QUEUED, PARSED, WRITTEN, ERROR, REPLAY... Details never carry health data. */
public record MessageEvent(long id, long messageId, Instant at, String stage, String detail) {}
