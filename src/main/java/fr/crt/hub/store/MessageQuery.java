package fr.crt.hub.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Filter for searching the store; null fields do not filter. Newest first. Two ways to page: offset ({@code page},
 * {@code size}; simple, for small stores and the GET API) or keyset ({@code after}: the {@link Cursor} of the last row
 * of the previous page; constant cost however deep, used by {@code POST /api/messages/search}).
 *
 * @param connector   connector id the message came through (today the same as the partner for MLLP)
 * @param patientRef  canonical {@code Patient/123} the message was applied to
 * @param patientKeys {@link PatientKeys} of the identifiers searched for: a message matches when it carries any
 * @param after       keyset cursor: only rows strictly older than it (then {@code page} is ignored)
 */
public record MessageQuery(
        String partnerId,
        String connector,
        String messageType,
        String triggerEvent,
        MessageStatus status,
        Instant from,
        Instant to,
        String controlId,
        String patientRef,
        List<String> patientKeys,
        Cursor after,
        int page,
        int size) {

    public static final int MAX_SIZE = 500;

    public MessageQuery {
        if (size <= 0 || size > MAX_SIZE) size = 50;
        if (page < 0) page = 0;
        patientKeys = patientKeys == null ? null : List.copyOf(patientKeys);
    }

    /** The original filter (offset paging), kept for existing callers. */
    public MessageQuery(String partnerId, String messageType, String triggerEvent, MessageStatus status, Instant from,
                        Instant to, String controlId, String patientRef, int page, int size) {
        this(partnerId, null, messageType, triggerEvent, status, from, to, controlId, patientRef, null, null, page, size);
    }

    public MessageQuery withPage(int newPage) {
        return new MessageQuery(partnerId, connector, messageType, triggerEvent, status, from, to, controlId, patientRef,
                patientKeys, after, newPage, size);
    }

    /**
     * Position of a row in the newest-first order: (received_at, id). Opaque to clients: {@link #encode()} and
     * {@link #decode(String)}.
     */
    public record Cursor(Instant receivedAt, long id) {

        public String encode() {
            String plain = receivedAt.getEpochSecond() + "." + receivedAt.getNano() + "." + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
        }

        /** @throws IllegalArgumentException when the text is not a cursor this store made */
        public static Cursor decode(String text) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
                String[] p = plain.split("\\.");
                if (p.length != 3) throw new IllegalArgumentException("malformed cursor");
                long nanos = Long.parseLong(p[1]);
                if (nanos < 0 || nanos > 999_999_999) throw new IllegalArgumentException("malformed cursor");
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(p[0]), nanos), Long.parseLong(p[2]));
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new IllegalArgumentException("malformed cursor", e);
            }
        }
    }
}
