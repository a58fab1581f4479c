package fr.crt.hub.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged hub ({@code target/crt-hub.jar}) running as a separate JVM on PostgreSQL, as in production:
 * what the crash-safety test kills with SIGKILL and what the benchmark measures. Output goes to a log file.
 */
public final class HubProcess implements AutoCloseable {

    /**
     * The JVM options the README gives for running the hub ("JVM options"): G1 regions of 4 MB, so that a 1–2 MB mail
     * or document is an ordinary young object and not a humongous one (GC CPU per MSSanté mail 55 -> 30 ms); marking
     * from a fixed 70 % of the heap, since the adaptive threshold marked back to back with the hub's live set at half
     * of a 512 MB heap (30 -> 3 ms).
     */
    public static final List<String> RECOMMENDED_JVM_OPTIONS = List.of("-XX:G1HeapRegionSize=4m", "-XX:-G1UseAdaptiveIHOP",
            "-XX:InitiatingHeapOccupancyPercent=70");
    public static final String ADMIN_PASSWORD = "bench-admin-" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar;
    private final Path projectDir;
    private final PgSchema schema;
    private final Path dataDir;
    private final int mllpTlsPort = freePort();
    private final int mllpPort;
    private final int httpPort;
    private final String heap;
    private final List<String> extraArgs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    public HubProcess(PgSchema schema, Path dataDir, String heap, List<String> extraArgs) {
        this.jar = Path.of(System.getProperty("hub.jar", "target/crt-hub.jar")).toAbsolutePath();
        this.projectDir = Path.of(System.getProperty("hub.project.dir", "")).toAbsolutePath();
        this.schema = schema;
        this.dataDir = dataDir;
        this.mllpPort = freePort();
        this.httpPort = freePort();
        this.heap = heap;
        this.extraArgs = List.copyOf(extraArgs);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: run 'mvn package' first (the IT runs in verify)");
        }
    }

    /** MLLP over TLS (client certificate required). */
    public int mllpTlsPort() {
        return mllpTlsPort;
    }

    /** The hub's PKI folder (auto-initialised at first start: keystores per partner, truststore). */
    public Path pkiDir() {
        return dataDir.resolve("certs");
    }

    public int mllpPort() {
        return mllpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Starts the hub (appending its stdout/stderr to {@code log}) and waits for liveness and the MLLP port. */
    public void start(Path log, Duration timeout) throws IOException {
        if (process != null && process.isAlive()) throw new IllegalStateException("already running");
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap));
        cmd.addAll(RECOMMENDED_JVM_OPTIONS);
        // extra JVM options, e.g. a flight recording: -Dhub.jvm-args="-XX:StartFlightRecording=filename=/tmp/hub.jfr"
        String jvmArgs = System.getProperty("hub.jvm-args", "").trim();
        if (!jvmArgs.isEmpty()) cmd.addAll(List.of(jvmArgs.split("\\s+")));
        cmd.addAll(List.of(
                "-jar", jar.toString(),
                "--spring.datasource.url=" + schema.url(),
                "--spring.datasource.username=" + PgSchema.USER,
                "--spring.datasource.password=" + PgSchema.PASSWORD,
                "--spring.flyway.default-schema=" + schema.name(),
                "--spring.flyway.create-schemas=true",
                "--hub.data-dir=" + dataDir,
                "--hub.mllp.port=" + mllpPort,
                "--hub.mllp.tls-port=" + mllpTlsPort,
                "--hub.https.port=" + freePort(),
                "--server.port=" + httpPort,
                "--hub.admin.initial-password=" + ADMIN_PASSWORD,
                "--hub.home=" + projectDir,
                "--hub.connectors.dir=" + projectDir.resolve("connectors")));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd)
                .directory(dataDir.toFile()) // HAPI v2 keeps its id_file in the working directory: not in the project
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Process p = process;
        await("hub liveness (log: " + log + ")").atMost(timeout).pollInterval(Duration.ofMillis(500))
                .failFast("hub process exited, see " + log, () -> !p.isAlive())
                .until(() -> httpStatus("/actuator/health/liveness", false) == 200);
        await("hub MLLP port " + mllpPort).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .failFast("hub process exited, see " + log, () -> !p.isAlive())
                .until(() -> canConnect(mllpPort));
    }

    /** SIGKILL: no shutdown hook, no flush, no graceful close of the journal or of the database connections. */
    public void kill() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("hub did not die after SIGKILL");
    }

    /** SIGTERM (graceful), then SIGKILL after 30 s. */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /**
     * How many {@code resourceType} resources the hub holds, counted page by page as the admin. Why not
     * {@code _summary=count}: the consent interceptor of the access layer refuses it (HAPI-2038) for every caller.
     */
    public long fhirCount(String resourceType) throws IOException, InterruptedException {
        long count = 0;
        String path = "/fhir/" + resourceType + "?_elements=id&_count=500";
        while (path != null) {
            HttpResponse<String> r = get(path, true);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " -> HTTP " + r.statusCode());
            }
            JsonNode bundle = JSON.readTree(r.body());
            count += bundle.path("entry").size();
            path = null;
            for (JsonNode link : bundle.path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    String url = link.path("url").asText();
                    path = url.substring(url.indexOf("/fhir"));
                }
            }
        }
        return count;
    }

    private int httpStatus(String path, boolean auth) {
        try {
            return get(path, auth).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(String path, boolean auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/fhir+json, application/json");
        if (auth) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Message store rows by status (DUPLICATE and REJECTED included), read directly from the schema. */
    public Map<String, Long> statusCounts() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = schema.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM hub_message GROUP BY status")) {
            while (rs.next()) counts.put(rs.getString(1), rs.getLong(2));
        }
        return counts;
    }

    /** Rows still to be processed: QUEUED or RETRYING. */
    public long pendingCount() throws SQLException {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM hub_message WHERE status IN ('QUEUED','RETRYING')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
