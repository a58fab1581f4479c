package fr.crt.hub.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The whole hub on random ports (HTTP and MLLP) with its own data folder (Artemis journal). Subclasses say
 * which database with one {@code @DynamicPropertySource} calling {@link #register}; test classes that share
 * a subclass without adding properties share one running hub.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class HubTestCommon {

    public static final String ADMIN_PASSWORD = "test-admin-password";
    protected static final Duration WAIT = Duration.ofSeconds(60);

    @LocalServerPort
    protected int httpPort;

    @Value("${hub.mllp.port}")
    protected int mllpPort;

    @Value("${hub.mllp.tls-port}")
    protected int mllpTlsPort;

    @Value("${hub.https.port}")
    protected int httpsPort;

    @Value("${hub.pki.dir}")
    protected Path pkiDir;

    @Autowired
    protected TestRestTemplate rest;

    /** Everything a test hub needs: a free MLLP port, a fresh data folder, the given database. */
    protected static void register(DynamicPropertyRegistry r, String jdbcUrl, String username) {
        int port = freePort();
        int tlsPort = freePort();
        int httpsPort = freePort();
        Path dir = tempDir();
        r.add("hub.data-dir", dir::toString);
        r.add("hub.mllp.port", () -> port);
        r.add("hub.mllp.tls-port", () -> tlsPort);
        r.add("hub.https.port", () -> httpsPort);
        r.add("hub.admin.initial-password", () -> ADMIN_PASSWORD);
        r.add("hub.home", () -> Path.of("").toAbsolutePath().toString());
        Path connectors = connectorsWithTestPartners(dir.resolve("connectors"));
        r.add("hub.connectors.dir", connectors::toString);
        r.add("hub.pki.dir", () -> dir.resolve("certs").toString());
        // INSi is WireMock over mTLS (started once); the hub's PKI folder starts as a copy of the PKI WireMock
        // trusts, so the hub presents its own insi.p12 and trusts WireMock's server certificate
        InsiWireMock.copyPkiTo(dir.resolve("certs"));
        r.add("hub.insi.url", InsiWireMock::url);
        // identity checks are recorded for every test but run only while an identity test switches the worker on
        // (IdentityCheckWorker.setRunning), so that other tests see no background INSi traffic on the shared WireMock
        r.add("hub.identity.checks-enabled", () -> false);
        // identity checks retry fast after a transient INSi failure (production: 1 min doubling up to 1 h)
        r.add("hub.identity.retry-delay", () -> "300ms");
        r.add("hub.identity.max-retry-delay", () -> "2s");
        r.add("hub.processing.retry-delay-ms", () -> 50);
        r.add("hub.fhir.scheduling-enabled", () -> false);
        // FHIR access: the test identity provider (WireMock-served JWKS, started once per JVM) and the shipped matrix
        r.add("hub.access.oidc.issuer", () -> TestTokens.ISSUER);
        r.add("hub.access.oidc.jwks-uri", TestTokens::jwksUri);
        r.add("hub.access.oidc.audience", () -> TestTokens.AUDIENCE);
        r.add("hub.access.matrix", () -> Path.of("mappings", "access-matrix.yaml").toAbsolutePath().toString());
        r.add("spring.datasource.url", () -> jdbcUrl);
        r.add("spring.datasource.username", () -> username);
        r.add("spring.datasource.password", () -> "");
        // alert mails go to a GreenMail SMTP server (one for the JVM); rules with test thresholds; no timed job runs
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> smtp().getSmtp().getPort());
        r.add("hub.alerts.mail-to", () -> ALERT_MAIL_TO);
        r.add("hub.alerts.rules-file", () -> Path.of("src/test/resources/alerts/alert-rules-test.yaml").toAbsolutePath().toString());
        r.add("hub.alerts.initial-delay", () -> "24h");
        r.add("hub.retention.cron", () -> "-");
        // MSSanté operator: GreenMail IMAPS/SMTPS (one for the JVM, own ports), server certificate from the same PKI
        MssanteTestMail.register(r);
        // outbound per partner: EHPAD over MLLP, SSIAD over FHIR (WireMock), SAAD file drop; fast retries
        OutboundTestPartners.register(r);
    }

    /**
     * The project's connector files plus the test-only partners of {@code src/test/resources/connectors} (outbound
     * over TLS, {@link OutboundTestPartners}), copied into the test hub's data folder: the project's stays as shipped.
     */
    static Path connectorsWithTestPartners(Path target) {
        try {
            Files.createDirectories(target);
            for (Path from : new Path[] {Path.of("connectors"), Path.of("src", "test", "resources", "connectors")}) {
                try (var files = Files.list(from)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                        Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return target.toAbsolutePath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static final String ALERT_MAIL_TO = "astreinte-technique@crt.test";
    private static GreenMail smtp;

    /** The SMTP server every test hub sends its mails to (GreenMail on a free port, started once, static). */
    public static synchronized GreenMail smtp() {
        if (smtp == null) {
            smtp = new GreenMail(MssanteTestMail.slowStart(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP)));
            smtp.start();
            Runtime.getRuntime().addShutdownHook(new Thread(smtp::stop));
        }
        return smtp;
    }

    protected static String newH2Url() {
        return "jdbc:h2:mem:hub-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;MODE=LEGACY";
    }

    protected MllpClient mllp() throws IOException {
        return new MllpClient("127.0.0.1", mllpPort);
    }

    protected TestRestTemplate admin() {
        return rest.withBasicAuth("admin", ADMIN_PASSWORD);
    }

    protected Map<String, Object> getJson(String path) {
        ResponseEntity<Map<String, Object>> r = admin().exchange(path, HttpMethod.GET, null,
                new ParameterizedTypeReference<>() {});
        if (!r.getStatusCode().is2xxSuccessful()) throw new AssertionError(path + " -> " + r.getStatusCode());
        return r.getBody();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void deleteRecursively(Path p) {
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }

    public static Path tempDir() {
        try {
            Path p = Files.createTempDirectory("crt-hub-test-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(p)));
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
