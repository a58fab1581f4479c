package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.pki.PkiTls;
import fr.crt.hub.pki.TestPki;
import fr.crt.hub.support.DovecotOperator;
import fr.crt.hub.support.HubTestCommon;
import fr.crt.hub.support.InsiWireMock;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code authentication: certificate}: the hub logs its application mailbox in with SASL EXTERNAL, the mailbox
 * certificate as the only credential, on a real server that allows nothing else (Dovecot, {@link DovecotOperator}):
 * reading over IMAPS and submitting over SMTPS, through the hub's own mail session and camel-mail endpoints. A
 * password login is refused there, and so is another PKI's certificate, which is what makes the EXTERNAL login mean
 * something. Needs Debian's dovecot-imapd and dovecot-submissiond ({@code .ci/run} installs them; CI fails without).
 */
class MailboxCertificateLoginTest {

    /** The common name of the development PKI's mailbox certificate, which is the login Dovecot reads from it. */
    static final String MAILBOX = "crt-hub@crt-dev.mssante.fr";
    static Path pki;
    static DovecotOperator operator;

    @BeforeAll
    static void start() throws Exception {
        if (!DovecotOperator.available()) {
            if (System.getenv("CI") != null) throw new IllegalStateException("CI needs dovecot-imapd and dovecot-submissiond (.ci/run), run as root");
            Assumptions.abort("no Dovecot on this machine (apt-get install dovecot-imapd dovecot-submissiond)");
        }
        pki = InsiWireMock.pkiDir();
        operator = DovecotOperator.start(pki, HubTestCommon.smtp().getSmtp().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) {
            System.out.println("Dovecot log of " + MailboxCertificateLoginTest.class.getSimpleName() + " (logins, no mail content):\n" + operator.log());
            operator.close();
        }
    }

    @Test
    void theCertificateAloneOpensTheMailboxWithSaslExternal() throws Exception {
        String id = Mails.newMessageId();
        operator.deliver(MAILBOX, Mails.bytes(Mails.mail(MAILBOX, id, false, "IHE_XDM.ZIP", "application/zip", new byte[] {1, 2})));
        MailboxSettings m = settings(true);
        try (Store store = session(m, TestPki.keystore(pki, TestPki.MSSANTE)).getStore("imaps")) {
            store.connect("localhost", operator.imaps, m.login(), m.password());
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(Arrays.stream(inbox.getMessages()).map(MailboxCertificateLoginTest::messageId)).contains(id);
            inbox.close(false);
        }
        assertThat(operator.log()).contains("imap-login: Info: Login: user=<" + MAILBOX + ">, method=EXTERNAL");
    }

    @Test
    void theHubsCamelEndpointsReadAndSubmitWithTheCertificate() throws Exception {
        String in = Mails.newMessageId();
        operator.deliver(MAILBOX, Mails.bytes(Mails.mail(MAILBOX, in, false, "IHE_XDM.ZIP", "application/zip", new byte[] {3})));
        MailboxSettings m = settings(true);
        List<String> read = new CopyOnWriteArrayList<>();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind(m.sessionBean(), Session.class, session(m, TestPki.keystore(pki, TestPki.MSSANTE)));
            // the inbound template's endpoint options (routes/mssante-inbound.yaml), with this mailbox's values
            String from = "imaps://localhost:" + operator.imaps + "?session=#" + m.sessionBean() + "&username=" + m.login()
                    + "&password=RAW(" + m.password() + ")&unseen=true&peek=true&delete=false&mapMailMessage=false&delay=200";
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(from).process(e -> read.add(e.getMessage().getBody(jakarta.mail.Message.class).getHeader("Message-ID")[0]));
                }
            });
            camel.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> read.contains(in));

            MimeMessage out = new MimeMessage(Session.getInstance(new java.util.Properties()));
            String sent = "<" + java.util.UUID.randomUUID() + "@crt-hub.test>";
            out.setFrom(new InternetAddress(MAILBOX));
            out.setRecipients(MimeMessage.RecipientType.TO, Mails.GP);
            out.setSubject("certificate submission");
            out.setText("sent with SASL EXTERNAL");
            out.saveChanges();
            out.setHeader("Message-ID", sent);
            camel.createProducerTemplate().sendBody(MailTransport.uri(m), out);
            await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(HubTestCommon.smtp().getReceivedMessages())
                    .anyMatch(r -> sent.equals(messageId(r))));
        }
        assertThat(operator.log()).contains("submission-login: Info: Login: user=<" + MAILBOX + ">, method=EXTERNAL");
    }

    @Test
    void theOperatorAllowsNoPasswordLoginAndNoForeignCertificate() throws Exception {
        MailboxSettings password = new MailboxSettings("dovecot-password", MAILBOX, MAILBOX, "any-password", TestPki.MSSANTE,
                server(), server(), "INBOX", 1000, List.of("TLSv1.3", "TLSv1.2"), true, ProcessedMail.SEEN, false, false);
        assertThatThrownBy(() -> {
            try (Store store = session(password, TestPki.keystore(pki, TestPki.MSSANTE)).getStore("imaps")) {
                store.connect("localhost", operator.imaps, MAILBOX, "any-password");
            }
        }).isInstanceOf(MessagingException.class).hasMessageContaining("No login methods supported");

        Path foreign = TestPki.foreignPki(HubTestCommon.tempDir().resolve("foreign-dovecot-pki"), Path.of("connectors"), "ehpad-les-tilleuls");
        MailboxSettings m = settings(true);
        assertThatThrownBy(() -> {
            try (Store store = session(m, foreign).getStore("imaps")) {
                store.connect("localhost", operator.imaps, m.login(), m.password());
            }
        }).isInstanceOf(MessagingException.class);
    }

    private static MailboxSettings.Server server() {
        return new MailboxSettings.Server("localhost", 0, true);
    }

    private static MailboxSettings settings(boolean certificate) {
        return new MailboxSettings("dovecot", MAILBOX, MAILBOX, "", TestPki.MSSANTE, new MailboxSettings.Server("localhost", operator.imaps, true),
                new MailboxSettings.Server("localhost", operator.submissions, true), "INBOX", 200, List.of("TLSv1.3", "TLSv1.2"), true,
                ProcessedMail.SEEN, true, certificate);
    }

    /** The hub's session for {@code m} ({@link MssanteMailboxes#properties}), presenting {@code keystore}. */
    private static Session session(MailboxSettings m, Path keystore) throws Exception {
        return Session.getInstance(MssanteMailboxes.properties(m, PkiTls.context(keystore, pki, TestPki.PASSWORD).getSocketFactory()));
    }

    /** Message-ID of a message, null when unreadable. */
    static String messageId(jakarta.mail.Message m) {
        try {
            String[] h = m.getHeader("Message-ID");
            return h == null ? null : h[0];
        } catch (MessagingException e) {
            return null;
        }
    }
}
