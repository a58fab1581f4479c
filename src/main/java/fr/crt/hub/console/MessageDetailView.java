package fr.crt.hub.console;

import fr.crt.hub.store.MessageEvent;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.StoredMessage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the message page shows: the summary, every stage (received and acknowledged from the message row, then each
 * stored event), the error with the field it names, the copies made by replays, and the raw content split for
 * highlighting, masked unless {@code revealed}.
 */
public record MessageDetailView(StoredMessage message, List<Stage> stages, String editedBy, List<Long> replays,
                                List<Hl7Highlighter.Segment> segments, boolean revealed, String rawText) {

    public record Stage(Instant at, String name, String detail) {}

    static MessageDetailView of(StoredMessage m, byte[] raw, List<MessageEvent> events, String editedBy, List<Long> replays,
                                boolean reveal) {
        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage(m.receivedAt(), "RECEIVED", m.transport() + ", " + m.sizeBytes() + " bytes, sha256 " + m.sha256()));
        stages.add(new Stage(m.receivedAt(), "ACK", (m.ackCode() == null ? "—" : m.ackCode())
                + (m.errorLocation() == null ? "" : " " + m.errorLocation())
                + (m.status() == MessageStatus.DUPLICATE ? " (duplicate of " + m.duplicateOf() + ")" : "")));
        for (MessageEvent e : events) stages.add(new Stage(e.at(), e.stage(), e.detail()));
        String text = decode(raw, m.charset());
        String shown = reveal ? text : PhiMasker.mask(text);
        return new MessageDetailView(m, stages, editedBy, replays, Hl7Highlighter.segments(shown, m.errorLocation()), reveal,
                reveal ? text : null);
    }

    /** A failed message an operator may fix and replay. */
    public boolean repairable() {
        return message.status() == MessageStatus.REJECTED || message.status() == MessageStatus.DEAD_LETTER;
    }

    public boolean failed() {
        return repairable() || message.status() == MessageStatus.RETRYING;
    }

    /** Raw bytes as text, for display and editing: the declared charset, unknown bytes replaced. */
    static String decode(byte[] raw, String charset) {
        Charset cs = StandardCharsets.UTF_8;
        try {
            if (charset != null) cs = Charset.forName(charset);
        } catch (RuntimeException ignored) {
            // unknown label: shown as UTF-8
        }
        return new String(raw == null ? new byte[0] : raw, cs);
    }
}
