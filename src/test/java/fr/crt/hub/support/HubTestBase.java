package fr.crt.hub.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole hub on random ports (HTTP and MLLP), embedded H2 and Artemis under a temporary data folder.
 * Every test class extending it shares one running hub.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class HubTestBase {

    public static final String ADMIN_PASSWORD = "test-admin-password";
    protected static final int MLLP_PORT = freePort();
    protected static final Path DATA_DIR = tempDir();

    @LocalServerPort
    protected int httpPort;

    @Autowired
    protected TestRestTemplate rest;

    @DynamicPropertySource
    static void hubProperties(DynamicPropertyRegistry r) {
        r.add("hub.data-dir", DATA_DIR::toString);
        r.add("hub.mllp.port", () -> MLLP_PORT);
        r.add("hub.admin.initial-password", () -> ADMIN_PASSWORD);
        r.add("hub.home", () -> Path.of("").toAbsolutePath().toString());
        r.add("hub.connectors.dir", () -> Path.of("connectors").toAbsolutePath().toString());
        r.add("hub.processing.retry-delay-ms", () -> 50);
        r.add("spring.datasource.url", () -> "jdbc:h2:mem:hub-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;MODE=LEGACY");
    }

    protected MllpClient mllp() throws IOException {
        return new MllpClient("127.0.0.1", MLLP_PORT);
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

    protected static final Duration WAIT = Duration.ofSeconds(30);

    static int freePort() {
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

    static Path tempDir() {
        try {
            Path p = Files.createTempDirectory("crt-hub-test-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(p)));
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
