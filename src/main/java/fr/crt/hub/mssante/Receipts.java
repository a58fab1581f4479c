package fr.crt.hub.mssante;

import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Receipts both ways. Out: an MDN (RFC 8098: {@code multipart/report; report-type=disposition-notification} with a
 * {@code message/disposition-notification} part) for a received mail that asks for one
 * ({@code Disposition-Notification-To}); when its integration failed, the MSSanté error-MDN convention: subject
 * prefixed {@code [KO Intégration système !]} and the failure named in the human-readable part (no health data).
 * In: MDNs and DSNs (RFC 3464) received update the status of the sent mail they refer to
 * ({@code Original-Message-ID}, else {@code In-Reply-To}).
 */
@Component
public class Receipts {

    public static final String KO_PREFIX = "[KO Intégration système !]";
    private static final Logger log = LoggerFactory.getLogger(Receipts.class);
    private static final Session SESSION = Session.getInstance(new Properties());

    private final MessageStore store;
    private final MailTransport transport;

    public Receipts(MessageStore store, MailTransport transport) {
        this.store = store;
        this.transport = transport;
    }

    /**
     * Sends the MDN for a received mail, if it asked for one, from the mailbox that received it (its address is the
     * {@code Final-Recipient}); failures are recorded, never thrown.
     */
    public void answer(long mailId, String mailboxId, MailContent mail, String originalSubject, String error) {
        if (mail.dispositionNotificationTo() == null) return;
        try {
            MailboxSettings me = transport.receivedOn(mailboxId);
            MimeMessage mdn = mdn(me.address(), mail.dispositionNotificationTo(), mail.messageId(), originalSubject, error);
            transport.send(me, mdn);
            store.event(mailId, "MDN_SENT", error == null ? "processed" : "processed/error");
        } catch (RuntimeException | MessagingException e) {
            store.event(mailId, "MDN_FAILED", e.getClass().getSimpleName());
            log.warn("MDN for mail message {} not sent: {}", mailId, e.getClass().getSimpleName());
        }
    }

    static MimeMessage mdn(String from, String to, String originalMessageId, String originalSubject, String error)
            throws MessagingException {
        MimeMessage m = new MimeMessage(SESSION);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(to));
        String subject = "Accusé de traitement : " + (originalSubject == null ? "" : originalSubject);
        m.setSubject(error == null ? subject : KO_PREFIX + " " + subject, "UTF-8");
        if (originalMessageId != null) {
            m.setHeader("In-Reply-To", originalMessageId);
            m.setHeader("References", originalMessageId);
        }
        m.setHeader("Auto-Submitted", "auto-replied");
        MimeMultipart report = new MimeMultipart("report; report-type=disposition-notification");
        MimeBodyPart human = new MimeBodyPart();
        human.setText(error == null ? "Le message a été intégré par le système destinataire (CRT Hub).\r\n"
                : "Le message n'a pas pu être intégré par le système destinataire (CRT Hub) : " + error + "\r\n", "UTF-8");
        report.addBodyPart(human);
        MimeBodyPart dn = new MimeBodyPart();
        StringBuilder fields = new StringBuilder()
                .append("Reporting-UA: crt-hub; CRT Hub\r\n")
                .append("Final-Recipient: rfc822;").append(from).append("\r\n");
        if (originalMessageId != null) fields.append("Original-Message-ID: ").append(originalMessageId).append("\r\n");
        fields.append("Disposition: automatic-action/MDN-sent-automatically; processed").append(error == null ? "" : "/error").append("\r\n");
        if (error != null) fields.append("Error: ").append(error.replaceAll("[\r\n]", " ")).append("\r\n");
        dn.setContent(fields.toString(), "message/disposition-notification");
        dn.setHeader("Content-Type", "message/disposition-notification");
        report.addBodyPart(dn);
        m.setContent(report);
        m.saveChanges();
        return m;
    }

    /** Applies a received MDN or DSN to the sent mail it refers to. Returns the id of that sent mail, if found. */
    public Long apply(long receiptId, MailContent receipt) {
        String ref = receipt.reportFields().get("original-message-id");
        if (ref == null) ref = receipt.inReplyTo();
        if (ref == null) {
            store.event(receiptId, "RECEIPT", "refers to no Message-ID");
            return null;
        }
        StoredMessage sent = store.findByControlId(MssanteInbound.TRANSPORT_OUT, ref.trim()).orElse(null);
        if (sent == null) {
            store.event(receiptId, "RECEIPT", "refers to no mail sent by the hub");
            return null;
        }
        MessageStatus status;
        String reason;
        if (receipt.kind() == MailContent.Kind.MDN) {
            String disposition = receipt.reportFields().getOrDefault("disposition", "").toLowerCase(Locale.ROOT);
            boolean failed = disposition.contains("/error") || disposition.contains("failed") || disposition.contains("deleted")
                    || receipt.reportFields().containsKey("error");
            status = failed ? MessageStatus.BOUNCED : MessageStatus.READ;
            reason = "MDN: " + disposition;
        } else {
            String action = receipt.reportFields().getOrDefault("action", "").toLowerCase(Locale.ROOT);
            String code = receipt.reportFields().getOrDefault("status", "");
            status = action.startsWith("failed") ? MessageStatus.BOUNCED
                    : action.startsWith("delivered") || action.startsWith("relayed") || action.startsWith("expanded")
                    ? MessageStatus.DELIVERED : sent.status();
            reason = "DSN: action " + action + (code.isEmpty() ? "" : ", status " + code);
        }
        if (!(status == MessageStatus.DELIVERED && sent.status() == MessageStatus.READ)) store.markStatus(sent.id(), status, reason);
        store.event(sent.id(), "RECEIPT", reason + " (message " + receiptId + ")");
        store.event(receiptId, "RECEIPT", "applied to sent message " + sent.id());
        return sent.id();
    }
}
