package fr.crt.hub.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import fr.crt.hub.pki.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * INSi as WireMock over mTLS, started once per test JVM: HTTPS only, a client certificate REQUIRED and checked
 * against the truststore of its own development PKI (made by the PKI code in a temp folder). The shared test hub
 * gets a copy of that PKI as its {@code hub.pki.dir} ({@link HubTestCommon#register}), so the hub presents its own
 * {@code insi.p12} and WireMock trusts it, and the hub trusts WireMock's server certificate ({@code hub-server.p12},
 * SAN localhost and 127.0.0.1).
 *
 * <p>Answers come from the public fixtures in {@code ../shared/samples/insi}: {@code answerWith("insi/responses/…")}.
 */
public final class InsiWireMock {

    public static final String PATH = "/lps";
    private static WireMockServer server;
    private static Path pki;

    private InsiWireMock() {}

    public static synchronized WireMockServer server() {
        if (server == null) {
            try {
                pki = TestPki.init(HubTestCommon.tempDir().resolve("insi-wiremock-pki"), Path.of("connectors"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String password = new String(TestPki.PASSWORD);
            WireMockServer s = new WireMockServer(WireMockConfiguration.options()
                    .httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
                    .keystorePath(TestPki.keystore(pki, TestPki.HUB_SERVER).toString()).keystoreType("PKCS12")
                    .keystorePassword(password).keyManagerPassword(password)
                    .needClientAuth(true)
                    .trustStorePath(TestPki.truststore(pki).toString()).trustStoreType("PKCS12")
                    .trustStorePassword(password));
            s.start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
            server = s;
        }
        return server;
    }

    /** The PKI folder WireMock trusts (its CAs signed the {@code insi.p12} in it). */
    public static Path pkiDir() {
        server();
        return pki;
    }

    public static String url() {
        return "https://localhost:" + server().httpsPort() + PATH;
    }

    /** Copies the PKI WireMock trusts into {@code dir} (a hub's {@code hub.pki.dir}, before the hub starts). */
    public static void copyPkiTo(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(pkiDir())) {
                for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every request answered with this fixture (path under {@code ../shared/samples}), HTTP 200. */
    public static void answerWith(String fixture) {
        answer(soap(fixture, 200));
    }

    /** A SOAP fault fixture, HTTP 500 as SOAP 1.2 servers send faults. */
    public static void answerWithFault(String fixture) {
        answer(soap(fixture, 500));
    }

    public static ResponseDefinitionBuilder soap(String fixture, int status) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/soap+xml; charset=utf-8")
                .withBody(Samples.bytes(fixture));
    }

    /** Any answer for every request to {@link #PATH}. */
    public static void answer(ResponseDefinitionBuilder response) {
        stub(post(urlEqualTo(PATH)).willReturn(response));
    }

    public static void stub(MappingBuilder mapping) {
        server().stubFor(mapping);
    }

    /** Forgets stubs and received requests. */
    public static void reset() {
        server().resetAll();
    }

    public static List<LoggedRequest> requests() {
        return server().findAll(postRequestedFor(urlEqualTo(PATH)));
    }
}
