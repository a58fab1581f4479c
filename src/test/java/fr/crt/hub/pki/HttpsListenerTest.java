package fr.crt.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.support.HubTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS beside HTTP on the shared test hub: served with the hub's server certificate; a client certificate is
 * optional, but one from another CA or expired fails the handshake.
 */
class HttpsListenerTest extends HubTestBase {

    @TempDir
    Path work;

    private int get(Path clientKeystore, String... protocols) throws Exception {
        KeyStore trust = load(TestPki.truststore(pkiDir));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientKeystore != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(clientKeystore), TestPki.PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLParameters params = new SSLParameters();
        params.setProtocols(protocols.length == 0 ? new String[] {"TLSv1.3", "TLSv1.2"} : protocols);
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).sslParameters(params)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + httpsPort + "/actuator/health/liveness")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, TestPki.PASSWORD);
        }
        return ks;
    }

    @Test
    void servesWithoutAndWithAPartnerCertificate() throws Exception {
        assertThat(get(null)).isEqualTo(200);
        assertThat(get(TestPki.keystore(pkiDir, "connector-chu-x-gam"))).isEqualTo(200);
        assertThat(get(null, "TLSv1.2")).isEqualTo(200);
        assertThat(rest.getForEntity("/actuator/health/liveness", String.class).getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void tls11IsRefused() {
        assertThatThrownBy(() -> get(null, "TLSv1.1")).isInstanceOf(IOException.class);
    }

    @Test
    void certificateOfAnotherCaOrExpiredFailsTheHandshake() throws Exception {
        Path foreign = TestPki.foreignPki(work.resolve("other"), Path.of("connectors").toAbsolutePath(), "chu-x-gam");
        assertThatThrownBy(() -> get(foreign)).isInstanceOf(IOException.class);
        Instant now = Instant.now();
        Path expired = TestPki.issueClient(pkiDir, work.resolve("mine"), "expired-chu", "chu-x-gam", "CHU-X",
                "000897406", now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)));
        assertThatThrownBy(() -> get(expired)).isInstanceOf(IOException.class);
    }
}
