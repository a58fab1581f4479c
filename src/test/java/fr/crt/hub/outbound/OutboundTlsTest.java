package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.pki.PkiProperties;
import fr.crt.hub.pki.TlsProperties;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the outbound TLS side says when it cannot work (no hub context: plain objects). */
class OutboundTlsTest {

    @TempDir
    Path emptyPki;

    @Test
    void withoutItsClientCertificateTheHubSendsNothingNotEvenInClearAndSaysWhy() throws Exception {
        OutboundTls tls = new OutboundTls(new PkiProperties(emptyPki, false, null, null), new TlsProperties(null, null));
        try (ServerSocket partner = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> bytesSeen = CompletableFuture.supplyAsync(() -> {
                try (Socket c = partner.accept(); InputStream in = c.getInputStream()) {
                    return in.readAllBytes().length;
                } catch (Exception e) {
                    return -1;
                }
            });
            PartnerOutbound p = new PartnerOutbound(null, true, PartnerOutbound.Transport.MLLP, List.of("identity"), "127.0.0.1",
                    partner.getLocalPort(), true, PartnerOutbound.DEFAULT_CERTIFICATE, null, null, PartnerOutbound.Format.HL7V2,
                    2000, "q");

            DeliveryOutcome o = new MllpPartnerSender(tls).send(p, 1, "C1", "MSH|^~\\&|CRT_HUB|CRT\r".getBytes());

            assertThat(o.result()).isEqualTo(DeliveryOutcome.Result.RETRY);
            assertThat(o.reason()).isEqualTo("TLS not possible: client certificate hub-client.p12 is not in the PKI folder"
                    + " (`pki init` issues hub-client.p12; `certificate:` of the connector names another one)");
            assertThat(bytesSeen.get(5, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aFailedHandshakeIsToldByWhoseCertificateWasRefused() {
        assertThat(OutboundTls.reason(new SSLHandshakeException("PKIX path building failed")))
                .isEqualTo("TLS: the partner's server certificate is not trusted (PKIX path building failed)");
        SSLHandshakeException wrapped = new SSLHandshakeException("certificate rejected");
        wrapped.initCause(new CertificateException("No subject alternative names matching IP address 127.0.0.1 found"));
        assertThat(OutboundTls.reason(wrapped)).startsWith("TLS: the partner's server certificate is not trusted");
        assertThat(OutboundTls.reason(new SSLHandshakeException("Received fatal alert: bad_certificate")))
                .isEqualTo("TLS: the partner refused the hub's client certificate (Received fatal alert: bad_certificate)");
        assertThat(OutboundTls.reason(new SSLHandshakeException("Remote host terminated the handshake")))
                .isEqualTo("TLS handshake with the partner failed (Remote host terminated the handshake)");
    }
}
