package fr.crt.hub.dui;

import static fr.crt.hub.support.MllpClient.ackCode;
import static fr.crt.hub.support.MllpClient.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.pki.TestPki;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpTlsClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLLP over TLS on the shared test hub ({@code routes/dui-adt-inbound.yaml, route dui-adt-inbound-tls}), with real sockets and the
 * certificates of the PKI the hub built in its data folder: a partner's good certificate is accepted; no
 * certificate, a certificate from another CA, an expired one and a revoked one are refused at the handshake; a
 * partner's certificate cannot send as another partner.
 */
class MllpOverTlsTest extends HubTestBase {

    private static final String EHPAD = "connector-ehpad-les-tilleuls";

    @TempDir
    Path work;

    private MllpTlsClient client(Path keystore) throws IOException {
        return new MllpTlsClient("127.0.0.1", mllpTlsPort, keystore, TestPki.truststore(pkiDir), TestPki.PASSWORD);
    }

    private static String ehpadAdt(String controlId, int person) {
        return AdtMessages.adt("A01", controlId, Person.of(person), "VT" + person, "MT" + person, "INSERT");
    }

    /** Connects with the keystore and sends one message: the ACK, or the IOException of a refused handshake. */
    private String send(Path keystore, String message) throws IOException {
        try (MllpTlsClient c = client(keystore)) {
            return c.send(message);
        }
    }

    /**
     * The hub refuses the handshake: the client gets the TLS alert (an {@link SSLException}) or, in TLS 1.3 when the
     * hub has already closed the connection, a broken pipe while sending its Finished message, before sending any
     * data. Had the hub accepted the connection, the read would wait for an ACK and time out instead (a
     * SocketTimeoutException, which is neither). Why the hub refused is checked in RevocationCheckingTrustManagerTest.
     */
    private void assertRefused(Path keystore) {
        assertThatThrownBy(() -> {
            try (MllpTlsClient c = client(keystore)) {
                c.readFrame();
            }
        }).isInstanceOfAny(SSLException.class, SocketException.class);
    }

    @Test
    void partnerCertificateGetsAA() throws IOException {
        try (MllpTlsClient c = client(TestPki.keystore(pkiDir, EHPAD))) {
            assertThat(c.protocol()).isIn("TLSv1.3", "TLSv1.2");
            String ack = c.send(ehpadAdt("TLS-OK-1", 901));
            assertThat(ackCode(ack)).as(ack).isEqualTo("AA");
            // persistent connection: a second message on the same TLS session
            assertThat(ackCode(c.send(ehpadAdt("TLS-OK-2", 902)))).isEqualTo("AA");
        }
    }

    @Test
    void tls12AloneIsAccepted() throws IOException {
        try (MllpTlsClient c = new MllpTlsClient("127.0.0.1", mllpTlsPort, TestPki.keystore(pkiDir, EHPAD),
                TestPki.truststore(pkiDir), TestPki.PASSWORD, "TLSv1.2")) {
            assertThat(c.protocol()).isEqualTo("TLSv1.2");
            assertThat(ackCode(c.send(ehpadAdt("TLS12-1", 903)))).isEqualTo("AA");
        }
    }

    @Test
    void tls11IsRefused() {
        assertThatThrownBy(() -> new MllpTlsClient("127.0.0.1", mllpTlsPort, TestPki.keystore(pkiDir, EHPAD),
                TestPki.truststore(pkiDir), TestPki.PASSWORD, "TLSv1.1").close()).isInstanceOf(IOException.class);
    }

    @Test
    void noClientCertificateIsRefusedAtTheHandshake() {
        assertRefused(null);
    }

    @Test
    void certificateOfAnUnknownCaIsRefused() throws IOException {
        Path foreign = TestPki.foreignPki(work.resolve("other-pki"), Path.of("connectors").toAbsolutePath(),
                "ehpad-les-tilleuls");
        assertRefused(foreign);
    }

    @Test
    void expiredCertificateIsRefused() throws IOException {
        Instant now = Instant.now();
        Path expired = TestPki.issueClient(pkiDir, work, "expired-ehpad", "ehpad-les-tilleuls", "EHPAD Les Tilleuls",
                "170780001", now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)));
        assertRefused(expired);
    }

    @Test
    void revokedCertificateIsRefusedFromTheNextConnectionWithoutRestart() throws IOException {
        Instant now = Instant.now();
        Path cert = TestPki.issueClient(pkiDir, work, "to-revoke-ehpad", "ehpad-les-tilleuls", "EHPAD Les Tilleuls",
                "170780001", now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(30)));
        assertThat(ackCode(send(cert, ehpadAdt("TLS-BEFORE-REVOKE", 907)))).isEqualTo("AA");

        TestPki.revokeInHubCrl(pkiDir, cert, "to-revoke-ehpad");

        assertRefused(cert);
        // the partner's other (current) certificate still works
        assertThat(ackCode(send(TestPki.keystore(pkiDir, EHPAD), ehpadAdt("TLS-AFTER-REVOKE", 909)))).isEqualTo("AA");
    }

    @Test
    void certificateOfOnePartnerCannotSendAsAnother() throws IOException {
        String asChuX = ehpadAdt("TLS-IMPOSTOR", 910).replace("MSH|^~\\&|DUI_TILLEULS|TILLEULS|", "MSH|^~\\&|GAM|CHU-X|");
        String ack = send(TestPki.keystore(pkiDir, EHPAD), asChuX);
        assertThat(ackCode(ack)).as(ack).isEqualTo("AR");
        assertThat(field(ack, "ERR", 2)).startsWith("MSH^1^3");
        assertThat(ack).contains("certificate of partner ehpad-les-tilleuls cannot send as partner chu-x-gam");
    }

    @Test
    void chuXCertificateSendsAsChuX() throws IOException {
        String asChuX = ehpadAdt("TLS-CHUX", 911).replace("MSH|^~\\&|DUI_TILLEULS|TILLEULS|", "MSH|^~\\&|GAM|CHU-X|");
        String ack = send(TestPki.keystore(pkiDir, "connector-chu-x-gam"), asChuX);
        // past the certificate check: whatever the content checks say, it is not the MSH-3 certificate refusal
        assertThat(ack).doesNotContain("cannot send as partner");
    }

    @Test
    void renewedServerCertificateIsPresentedWithoutRestart() throws IOException {
        BigInteger renewed = TestPki.renewHubServer(pkiDir);
        try (MllpTlsClient c = client(TestPki.keystore(pkiDir, EHPAD))) {
            assertThat(c.serverCertificate().getSerialNumber()).isEqualTo(renewed);
            assertThat(ackCode(c.send(ehpadAdt("TLS-RENEWED", 912)))).isEqualTo("AA");
        }
    }
}
