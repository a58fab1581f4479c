package fr.crt.hub.insi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.insi.InsiCallFailed.Kind;
import fr.crt.hub.pki.TestPki;
import fr.crt.hub.support.InsiWireMock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WireMock as INSi requires a client certificate from the PKI it trusts: the hub's INSi certificate (CN INSI-AUTO)
 * gets through; no certificate, or one from another PKI, is refused at the handshake and no request reaches it.
 */
class InsiMutualTlsTest {

    @TempDir
    Path work;

    @BeforeEach
    void reset() {
        InsiWireMock.reset();
        InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml");
    }

    @Test
    void insiCertificateIsAccepted() throws Exception {
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(1, 5, 0, 5000), new SimpleMeterRegistry())) {
            assertThat(client.searchByTraits(InsiTestClients.ECETINSI).code()).isEqualTo("01");
        }
        assertThat(InsiWireMock.requests()).hasSize(1);
        KeyStore ks = load(TestPki.keystore(InsiWireMock.pkiDir(), TestPki.INSI));
        X509Certificate cert = (X509Certificate) ks.getCertificate(TestPki.INSI);
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=INSI-AUTO");
    }

    @Test
    void clientWithoutCertificateIsRefusedAtTheHandshake() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(TestPki.truststore(InsiWireMock.pkiDir())));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest post = HttpRequest.newBuilder(URI.create(InsiWireMock.url()))
                .header("Content-Type", "application/soap+xml").POST(HttpRequest.BodyPublishers.ofString("<x/>")).build();
        assertThatThrownBy(() -> http.send(post, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThat(InsiWireMock.requests()).isEmpty();
    }

    @Test
    void certificateFromAnotherPkiIsRefusedAtTheHandshake() throws Exception {
        Path foreign = TestPki.init(work.resolve("foreign"), Path.of("connectors"));
        Path mixed = Files.createDirectories(work.resolve("mixed"));
        // another root's INSI-AUTO certificate, but trusting WireMock: only the server side can refuse it
        Files.copy(TestPki.keystore(foreign, TestPki.INSI), TestPki.keystore(mixed, TestPki.INSI));
        Files.copy(TestPki.truststore(InsiWireMock.pkiDir()), TestPki.truststore(mixed));
        InsiEndpoint endpoint = InsiTestClients.endpoint(1, 5, 0, 5000);
        try (CxfInsiClient client = new CxfInsiClient(endpoint, mixed, TestPki.PASSWORD, new SimpleMeterRegistry())) {
            InsiCallFailed f = catchFailure(client);
            assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
        }
        assertThat(InsiWireMock.requests()).isEmpty();
    }

    @Test
    void serverOutsideTheTruststoreIsRefused() throws Exception {
        Path foreign = TestPki.init(work.resolve("foreign"), Path.of("connectors"));
        Path mixed = Files.createDirectories(work.resolve("mixed"));
        Files.copy(TestPki.keystore(InsiWireMock.pkiDir(), TestPki.INSI), TestPki.keystore(mixed, TestPki.INSI));
        Files.copy(TestPki.truststore(foreign), TestPki.truststore(mixed));
        try (CxfInsiClient client = new CxfInsiClient(InsiTestClients.endpoint(3, 5, 0, 5000), mixed, TestPki.PASSWORD,
                new SimpleMeterRegistry())) {
            InsiCallFailed f = catchFailure(client);
            assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(f.retryLater()).isFalse(); // a certificate problem: not retried
        }
        assertThat(InsiWireMock.requests()).isEmpty();
    }

    @Test
    void onlyTls12And13AreOffered() throws Exception {
        SSLContext ctx = CxfInsiClient.tls(TestPki.keystore(InsiWireMock.pkiDir(), TestPki.INSI), TestPki.INSI,
                TestPki.truststore(InsiWireMock.pkiDir()), TestPki.PASSWORD);
        assertThat(ctx.createSSLEngine("localhost", 443).getEnabledProtocols()).containsOnly("TLSv1.3", "TLSv1.2");
        assertThat(ctx.getDefaultSSLParameters().getProtocols()).containsOnly("TLSv1.3", "TLSv1.2");
        assertThat(Arrays.asList(ctx.getSocketFactory().createSocket() instanceof javax.net.ssl.SSLSocket s
                ? s.getEnabledProtocols() : new String[0])).containsOnly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void missingCertificateFileFailsToBuildNotToStart() {
        InsiEndpoint endpoint = InsiTestClients.endpoint(1, 5, 0, 5000);
        assertThatThrownBy(() -> new CxfInsiClient(endpoint, work, TestPki.PASSWORD, new SimpleMeterRegistry()))
                .isInstanceOf(IOException.class).hasMessageContaining("insi.p12");
    }

    private static InsiCallFailed catchFailure(CxfInsiClient client) {
        try {
            client.searchByTraits(InsiTestClients.ECETINSI);
        } catch (InsiCallFailed f) {
            return f;
        }
        throw new AssertionError("the call succeeded");
    }

    private static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, TestPki.PASSWORD);
        }
        return ks;
    }
}
