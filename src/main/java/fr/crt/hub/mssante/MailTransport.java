package fr.crt.hub.mssante;

import jakarta.mail.internet.MimeMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Submits a built MIME message through the sending mailbox's SMTP server with camel-mail (the producer sends a
 * {@code MimeMessage} body as it is), over the mailbox's TLS session.
 */
@Component
public class MailTransport {

    private final MssanteMailboxes mailboxes;
    private final ProducerTemplate producer;

    public MailTransport(MssanteMailboxes mailboxes, ProducerTemplate producer) {
        this.mailboxes = mailboxes;
        this.producer = producer;
    }

    public MailboxSettings sender() {
        return mailboxes.sender();
    }

    /**
     * The mailbox a mail was received on ({@code connector} of an inbound mail), to answer from it: its address is
     * the one the sender wrote to. The sending mailbox when that one is no longer enabled.
     */
    public MailboxSettings receivedOn(String mailboxId) {
        return mailboxes.byId(mailboxId == null ? "" : mailboxId).filter(MailboxSettings::enabled).orElseGet(this::sender);
    }

    public void send(MimeMessage message) {
        send(sender(), message);
    }

    /** Submits through {@code m}'s own SMTP server and session. */
    public void send(MailboxSettings m, MimeMessage message) {
        mailboxes.session(m);
        producer.sendBody(uri(m), message);
    }

    /** camel-mail endpoint of the mailbox's submission server. */
    public static String uri(MailboxSettings m) {
        StringBuilder sb = new StringBuilder(m.smtp().protocol("smtp")).append("://").append(m.smtp().host()).append(':')
                .append(m.smtp().port()).append("?session=%23").append(m.sessionBean());
        // with certificate login the login is the mailbox address and the password empty: Jakarta Mail only
        // authenticates (SASL EXTERNAL) when it has both
        if (!m.login().isEmpty()) {
            sb.append("&username=").append(enc(m.login())).append("&password=RAW(").append(m.password()).append(')');
        }
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
