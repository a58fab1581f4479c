package fr.crt.hub.bench;

import fr.crt.hub.support.HubProcess;
import fr.crt.hub.support.HubTestCommon;
import fr.crt.hub.support.PgSchema;
import fr.crt.hub.support.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Role-filtered FHIR search against the same searches as the unrestricted admin, in the same run, on the packaged
 * hub over PostgreSQL: {@code GET /fhir/Observation?patient=…&_count=20} for persons of a physician's care circle,
 * once with HTTP Basic ADMIN (authorization, narrowing and consent bypassed; audit still written; its bcrypt check is
 * cached, so it costs what a token check does) and once with the
 * physician's bearer token (care circle lookup, AuthorizationInterceptor, SearchNarrowing, ConsentInterceptor per
 * resource, audit). Target: filtered throughput at least 70 % of unfiltered.
 *
 * <p>Run: {@code ./mvnw -q -Pbench verify -Dbench.mllp.skip=true -Dbench.search.skip=true}; parameters
 * {@code bench.fhir.persons} (200), {@code bench.fhir.observations} per person (5), {@code bench.fhir.threads} (8),
 * {@code bench.fhir.seconds} per measured phase (15).
 */
public final class FhirAccessBenchmark {

    static final int PERSONS = Integer.getInteger("bench.fhir.persons", 200);
    static final int OBSERVATIONS = Integer.getInteger("bench.fhir.observations", 5);
    static final int THREADS = Integer.getInteger("bench.fhir.threads", 8);
    static final int SECONDS = Integer.getInteger("bench.fhir.seconds", 15);
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static int port;

    private FhirAccessBenchmark() {}

    record Result(long requests, long errors, double perSecond, double p95ms) {}

    public static void main(String[] args) throws Exception {
        System.out.printf("FHIR access benchmark: persons=%d observations/person=%d threads=%d seconds=%d cpus=%d%n",
                PERSONS, OBSERVATIONS, THREADS, SECONDS, Runtime.getRuntime().availableProcessors());
        Path dataDir = HubTestCommon.tempDir();
        PgSchema schema = PgSchema.create("benchfhir_");
        HubProcess hub = new HubProcess(schema, dataDir, "768m", List.of(
                "--hub.access.oidc.issuer=" + TestTokens.ISSUER,
                "--hub.access.oidc.jwks-uri=" + TestTokens.jwksUri(),
                "--hub.access.oidc.audience=" + TestTokens.AUDIENCE));
        try {
            long t0 = System.nanoTime();
            hub.start(Path.of("target", "bench-fhir-hub.log"), Duration.ofSeconds(240));
            port = hub.httpPort();
            System.out.printf("hub started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            String admin = "Basic " + Base64.getEncoder().encodeToString(("admin:" + HubProcess.ADMIN_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            String rpps = "8100000BENCH";
            List<String> members = new ArrayList<>();
            for (int i = 0; i < PERSONS; i++) {
                String pid = create(admin, "Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:bench\",\"value\":\"p" + i + "\"}]}");
                for (int j = 0; j < OBSERVATIONS; j++) {
                    create(admin, "Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":"
                            + "[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"subject\":{\"reference\":\"Patient/" + pid + "\"}}");
                }
                if (i % 2 == 0) {
                    send(admin, "POST", "/api/care-teams/" + pid + "/members",
                            "{\"type\":\"practitioner\",\"id\":\"" + rpps + "\",\"role\":\"10\"}", "application/json", 201);
                    members.add(pid);
                }
            }
            String gp = "Bearer " + TestTokens.token(TestTokens.professional(rpps, "10", "BENCH-FINESS"));
            // the filtered search must return the person's observations: the benchmark measures real work
            String probe = send(gp, "GET", "/fhir/Observation?patient=Patient/" + members.get(0) + "&_count=20", null, null, 200);
            if (!probe.contains("\"Observation\"")) throw new IllegalStateException("filtered search returned no Observation");
            System.out.printf("loaded %d persons, %d in the physician's circle%n", PERSONS, members.size());

            run(admin, members, 5);
            run(gp, members, 5);
            Result unfiltered = run(admin, members, SECONDS);
            Result filtered = run(gp, members, SECONDS);
            Result unfiltered2 = run(admin, members, SECONDS);
            double base = (unfiltered.perSecond() + unfiltered2.perSecond()) / 2;
            System.out.println();
            System.out.printf("%-52s %12s %10s %8s%n", "FHIR search Observation?patient=&_count=20", "req/s", "p95 ms", "errors");
            System.out.printf("%-52s %12.0f %10.1f %8d%n", "admin, unfiltered (1st)", unfiltered.perSecond(), unfiltered.p95ms(), unfiltered.errors());
            System.out.printf("%-52s %12.0f %10.1f %8d%n", "physician token, role-filtered", filtered.perSecond(), filtered.p95ms(), filtered.errors());
            System.out.printf("%-52s %12.0f %10.1f %8d%n", "admin, unfiltered (2nd)", unfiltered2.perSecond(), unfiltered2.p95ms(), unfiltered2.errors());
            double ratio = filtered.perSecond() / base;
            System.out.printf("%-52s %11.0f%% %19s%n", "filtered / unfiltered throughput", ratio * 100, ratio >= 0.7 ? "OK (>= 70 %)" : "MISSED (< 70 %)");
        } finally {
            hub.kill();
            schema.close();
            HubTestCommon.deleteRecursively(dataDir);
        }
        System.exit(0); // the WireMock JWKS server's threads would keep this JVM alive
    }

    static Result run(String auth, List<String> persons, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> fs = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            fs.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    String pid = persons.get(ThreadLocalRandom.current().nextInt(persons.size()));
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                        + "/fhir/Observation?patient=Patient/" + pid + "&_count=20"))
                                .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) errors.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies.add(System.nanoTime() - s);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double p95 = sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.95) - 1)) / 1e6;
        return new Result(sorted.size(), errors.get(), sorted.size() / elapsed, p95);
    }

    static String create(String auth, String type, String json) throws Exception {
        String body = send(auth, "POST", "/fhir/" + type, json, "application/fhir+json", 201);
        Matcher m = ID.matcher(body);
        if (!m.find()) throw new IllegalStateException("no id in " + type + " create response");
        return m.group(1);
    }

    static String send(String auth, String method, String path, String body, String contentType, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", auth);
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) throw new IllegalStateException(method + " " + path + " -> " + r.statusCode());
        return r.body();
    }
}
