package fr.crt.hub.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import fr.crt.hub.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The three development partners' outbound sides in the shared test hub, started once per JVM: EHPAD Les Tilleuls is
 * an MLLP server ({@link PartnerMllpReceiver}, AA by default), SSIAD du Marais a FHIR server (WireMock, 200 by
 * default), SAAD Aide et Vie a folder. Retries are fast (50 ms doubling up to 400 ms) so that a test covers many
 * retry cycles in seconds.
 *
 * <p>Three more partners exist only in the test hub ({@code src/test/resources/connectors/}, copied next to the
 * project's connector files by {@link HubTestCommon#register}), outbound over TLS: two MLLP ones (ports reserved here,
 * the test decides what listens there) and an HTTPS FHIR one, WireMock requiring a client certificate of the
 * development CA ({@link #httpsSsiad()}). Their server certificate is the test PKI's {@code hub-server.p12}, which
 * the hub trusts.
 */
public final class OutboundTestPartners {

    private static PartnerMllpReceiver ehpad;
    private static WireMockServer ssiad;
    private static Path saad;
    private static WireMockServer httpsSsiad;
    private static final int TLS_EHPAD_A_PORT = HubTestCommon.freePort();
    private static final int TLS_EHPAD_B_PORT = HubTestCommon.freePort();

    /** Connector ids and FINESS of the test-only TLS partners. */
    public static final String TLS_EHPAD_A = "test-tls-ehpad-a";
    public static final String TLS_EHPAD_A_FINESS = "170780091";
    public static final String TLS_EHPAD_B = "test-tls-ehpad-b";
    public static final String TLS_EHPAD_B_FINESS = "170780092";
    public static final String HTTPS_SSIAD = "test-https-ssiad";
    public static final String HTTPS_SSIAD_FINESS = "170790093";

    private OutboundTestPartners() {}

    public static synchronized PartnerMllpReceiver ehpad() {
        if (ehpad == null) {
            ehpad = new PartnerMllpReceiver(HubTestCommon.freePort());
            ehpad.up();
        }
        return ehpad;
    }

    public static synchronized WireMockServer ssiad() {
        if (ssiad == null) {
            WireMockServer s = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                    .port(HubTestCommon.freePort()));
            s.start();
            s.stubFor(WireMock.post("/fhir").atPriority(10).willReturn(WireMock.okJson(
                    "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
            ssiad = s;
        }
        return ssiad;
    }

    public static synchronized Path saad() {
        if (saad == null) saad = HubTestCommon.tempDir().resolve("saad-drop");
        return saad;
    }

    public static int tlsEhpadAPort() {
        return TLS_EHPAD_A_PORT;
    }

    public static int tlsEhpadBPort() {
        return TLS_EHPAD_B_PORT;
    }

    /** WireMock over HTTPS only, client certificate required and checked against the development CA. */
    public static synchronized WireMockServer httpsSsiad() {
        if (httpsSsiad == null) {
            Path pki = InsiWireMock.pkiDir();
            String password = new String(TestPki.PASSWORD);
            WireMockServer s = new WireMockServer(WireMockConfiguration.options()
                    .httpDisabled(true).httpsPort(HubTestCommon.freePort()).bindAddress("127.0.0.1")
                    .keystorePath(TestPki.keystore(pki, TestPki.HUB_SERVER).toString()).keystoreType("PKCS12")
                    .keystorePassword(password).keyManagerPassword(password)
                    .needClientAuth(true)
                    .trustStorePath(TestPki.truststore(pki).toString()).trustStoreType("PKCS12").trustStorePassword(password));
            s.start();
            s.stubFor(WireMock.post("/fhir").atPriority(10).willReturn(WireMock.okJson(
                    "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
            httpsSsiad = s;
        }
        return httpsSsiad;
    }

    /**
     * A partner's TLS server context: the server certificate {@code <alias>.p12} of {@code pkiDir}, and trust in the
     * development CAs of the test hub's PKI (the hub's client certificate is accepted).
     */
    public static SSLContext serverContext(Path pkiDir, String alias) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(TestPki.keystore(pkiDir, alias))) {
                keys.load(in, TestPki.PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, TestPki.PASSWORD);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(TestPki.truststore(InsiWireMock.pkiDir()))) {
                trust.load(in, TestPki.PASSWORD);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void register(DynamicPropertyRegistry r) {
        r.add("hub.outbound.ehpad-les-tilleuls.host", () -> "127.0.0.1");
        r.add("hub.outbound.ehpad-les-tilleuls.port", () -> ehpad().port());
        r.add("hub.outbound.ssiad-du-marais.base-url", () -> "http://127.0.0.1:" + ssiad().port() + "/fhir");
        r.add("hub.outbound.saad-aide-et-vie.directory", () -> saad().toString());
        r.add("hub.outbound.test-tls-ehpad-a.port", () -> TLS_EHPAD_A_PORT);
        r.add("hub.outbound.test-tls-ehpad-b.port", () -> TLS_EHPAD_B_PORT);
        r.add("hub.outbound.test-https-ssiad.base-url", () -> "https://localhost:" + httpsSsiad().httpsPort() + "/fhir");
        r.add("hub.outbound.retry-delay", () -> "50ms");
        r.add("hub.outbound.max-retry-delay", () -> "400ms");
        r.add("hub.outbound.max-age", () -> "10m");
    }
}
