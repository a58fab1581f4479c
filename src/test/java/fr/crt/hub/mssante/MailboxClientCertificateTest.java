package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.ServerSetup;
import fr.crt.hub.pki.PkiTls;
import fr.crt.hub.pki.RevocationCheckingTrustManager;
import fr.crt.hub.pki.TestPki;
import fr.crt.hub.support.HubTestCommon;
import fr.crt.hub.support.InsiWireMock;
import fr.crt.hub.support.MssanteTestMail;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application mailbox is reached with the mailbox certificate, as MSSanté operators require: the test operator
 * (GreenMail IMAPS/SMTPS, {@link MssanteTestMail}) asks for a client certificate under the hub's PKI, and the hub's
 * own mail session ({@link MssanteMailboxes#properties}, the PKI trust manager) gets in with {@code mssante.p12} and
 * is turned away without it or with a certificate of another PKI, whatever the password.
 */
class MailboxClientCertificateTest {

    static final String ADDRESS = "crt-cert-test@crt-dev.mssante.fr";
    static Path pki;
    static int imaps;
    static int smtps;

    @BeforeAll
    static void operator() {
        pki = InsiWireMock.pkiDir();
        var server = MssanteTestMail.server();
        server.setUser(ADDRESS, ADDRESS, MssanteTestMail.PASSWORD);
        imaps = MssanteTestMail.port(ServerSetup.PROTOCOL_IMAPS);
        smtps = MssanteTestMail.port(ServerSetup.PROTOCOL_SMTPS);
    }

    @Test
    void theMailboxCertificateOpensTheMailboxAndSubmitsMail() throws Exception {
        Session session = session(TestPki.keystore(pki, TestPki.MSSANTE));
        try (Store store = session.getStore("imaps")) {
            store.connect("localhost", imaps, ADDRESS, MssanteTestMail.PASSWORD);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isGreaterThanOrEqualTo(0);
            inbox.close(false);
        }
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(ADDRESS));
        m.setRecipients(MimeMessage.RecipientType.TO, ADDRESS);
        m.setSubject("certificate test");
        m.setText("hello");
        try (Transport t = session.getTransport("smtps")) {
            t.connect("localhost", smtps, ADDRESS, MssanteTestMail.PASSWORD);
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    @Test
    void withoutACertificateTheRightPasswordIsNotEnough() {
        Session session = session(null);
        assertThatThrownBy(() -> {
            try (Store store = session.getStore("imaps")) {
                store.connect("localhost", imaps, ADDRESS, MssanteTestMail.PASSWORD);
            }
        }).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> {
            try (Transport t = session.getTransport("smtps")) {
                t.connect("localhost", smtps, ADDRESS, MssanteTestMail.PASSWORD);
            }
        }).isInstanceOf(MessagingException.class);
    }

    @Test
    void aCertificateOfAnotherPkiIsTurnedAway() throws Exception {
        Path foreign = TestPki.foreignPki(HubTestCommon.tempDir().resolve("foreign-mail-pki"), Path.of("connectors"), "ehpad-les-tilleuls");
        Session session = session(foreign);
        assertThatThrownBy(() -> {
            try (Store store = session.getStore("imaps")) {
                store.connect("localhost", imaps, ADDRESS, MssanteTestMail.PASSWORD);
            }
        }).isInstanceOf(MessagingException.class);
    }

    /** The hub's mail session for a mailbox on the test operator, presenting {@code keystore} (none if null). */
    private static Session session(Path keystore) {
        try {
            SSLContext ctx;
            if (keystore != null) {
                ctx = PkiTls.context(keystore, pki, TestPki.PASSWORD);
            } else {
                // the same trust, no key to present
                ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new RevocationCheckingTrustManager(pki, TestPki.PASSWORD)}, null);
            }
            MailboxSettings.Server server = new MailboxSettings.Server("localhost", 0, true);
            MailboxSettings m = new MailboxSettings("cert-test", ADDRESS, ADDRESS, MssanteTestMail.PASSWORD, TestPki.MSSANTE,
                    server, server, "INBOX", 1000, List.of("TLSv1.3", "TLSv1.2"), true, ProcessedMail.SEEN, false, false);
            return Session.getInstance(MssanteMailboxes.properties(m, ctx.getSocketFactory()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
