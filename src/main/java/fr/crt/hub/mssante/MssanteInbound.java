package fr.crt.hub.mssante;

import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * First step of {@code routes/mssante-inbound.yaml}: stores the mail's raw bytes (the .eml) in the message store,
 * committed, before the route ends, because only a completed exchange lets camel-mail flag the mail SEEN on the
 * server (the consumer polls with {@code peek=true}). A hub that dies in between reads the mail again; its
 * Message-ID is the idempotency key, so the second copy is stored as a DUPLICATE and never processed twice.
 */
@Component("mssanteInbound")
public class MssanteInbound {

    public static final String TRANSPORT = "mssante";
    public static final String TRANSPORT_OUT = "mssante-out";
    private static final Logger log = LoggerFactory.getLogger(MssanteInbound.class);

    /** A server's size claim is only trusted this far to size the buffer (the mail may be larger; it then grows). */
    private static final int MAX_PRESIZE = 64 << 20;

    private final MessageStore store;

    public MssanteInbound(MessageStore store) {
        this.store = store;
    }

    /** Body out: the id to queue; property {@code hubEnqueue} says whether to queue it. */
    public void receive(Exchange exchange) throws MessagingException, IOException {
        String mailbox = exchange.getProperty("mssanteMailbox", String.class);
        Message mail = exchange.getIn(MailMessage.class).getOriginalMessage();
        // the size comes with the envelope prefetched for the poll (MailboxPrefetch), no extra round trip; the
        // buffer is sized once instead of growing (and copying) up to the mail's size, and not copied at the end
        int size = mail.getSize();
        fr.crt.hub.store.SizedBuffer raw = new fr.crt.hub.store.SizedBuffer(size > 0 && size <= MAX_PRESIZE ? size : 64 * 1024);
        mail.writeTo(raw);
        store(exchange, mailbox, raw.bytes(), messageId(mail), sender(mail));
        // The mail's own headers became the exchange's headers, and the route's components take instructions from
        // headers: camel-mail its copyTo / moveTo / delete at commit, the JMS producer a destination
        // (CamelJmsDestinationName). Nothing a sender writes may steer the route; the stored raw mail keeps them all.
        exchange.getIn().removeHeaders("*");
    }

    void store(Exchange exchange, String mailbox, byte[] raw, String messageId, String from) {
        String key = TRANSPORT + "|" + mailbox + "|" + (messageId != null ? messageId : "sha256:" + MessageStore.sha256(raw));
        MessageStore.Stored s = store.storeByKey(new IncomingMessage(truncate(from, 64), mailbox, TRANSPORT, Instant.now(),
                messageId, "MAIL", null, null, raw, MessageStatus.QUEUED, null, null, null, key, null),
                // no separate QUEUED event: one commit per mail on the mailbox thread (a mail not queued stays QUEUED and
                // is queued again at start, MssanteRecovery)
                "RECEIVED", "mail from mailbox " + mailbox + ", " + raw.length + " bytes, queued for processing");
        if (s.duplicate()) {
            store.event(s.id(), "RECEIVED", "mail read again from " + mailbox + ": duplicate of message " + s.duplicateOf());
            StoredMessage original = store.find(s.duplicateOf()).orElse(null);
            boolean pending = original != null
                    && (original.status() == MessageStatus.QUEUED || original.status() == MessageStatus.RETRYING);
            exchange.setProperty("hubEnqueue", pending);
            exchange.getIn().setBody(s.duplicateOf());
            log.info("mail message {} from mailbox {} is a duplicate of {}{}", s.id(), mailbox, s.duplicateOf(),
                    pending ? " (still pending: queued again)" : "");
            return;
        }
        exchange.setProperty("hubEnqueue", true);
        exchange.getIn().setBody(s.id());
        log.info("mail message {} stored from mailbox {} ({} bytes)", s.id(), mailbox, raw.length);
    }

    /** From the IMAP envelope when the message has one (prefetched by {@link MailboxPrefetch}), not a header fetch. */
    private static String messageId(Message m) throws MessagingException {
        if (m instanceof jakarta.mail.internet.MimeMessage mime) {
            String id = mime.getMessageID();
            return id == null || id.isBlank() ? null : id.trim();
        }
        String[] v = m.getHeader("Message-ID");
        return v == null || v.length == 0 ? null : v[0].trim();
    }

    private static String sender(Message m) {
        try {
            var from = m.getFrom();
            return from == null || from.length == 0 ? null
                    : from[0] instanceof InternetAddress ia ? ia.getAddress().toLowerCase(Locale.ROOT) : from[0].toString();
        } catch (MessagingException e) {
            return null;
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
