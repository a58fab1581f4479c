package fr.crt.hub.bench;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.ParserConfiguration;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorProperties;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.dui.Hl7Parsing;
import fr.crt.hub.dui.MessageRejectedException;
import fr.crt.hub.dui.PamFrAdtMapper;
import fr.crt.hub.support.AdtTraffic;
import fr.crt.hub.support.AdtTraffic.Item;
import fr.crt.hub.support.HubProcess;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.MllpTlsClient;
import fr.crt.hub.support.PgSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * MLLP benchmark of the inbound ADT path, against the packaged hub running as a separate process ({@code -Xmx512m})
 * on a fresh PostgreSQL schema (dropped at the end), with two references measured in the same run:
 * HAPI's own MLLP server answering ACK with no persistence, and the in-JVM parse+map rate with no I/O.
 *
 * <p>Run: {@code ./mvnw -q -Pbench verify} (see README.md, "Benchmark"). Parameters (system properties):
 * {@code bench.count} messages per burst (5000), {@code bench.senders} concurrent persistent connections (8),
 * {@code bench.rate} offered rate for the paced run (500/s), {@code bench.rate-seconds} its length (20),
 * {@code bench.persons} distinct persons in the traffic (2000), {@code bench.e2e-timeout-s} (120).
 *
 * <p>Output carries counts, rates and latencies only: no names, no NIR.
 */
public final class MllpBenchmark {

    private static final int COUNT = Integer.getInteger("bench.count", 5_000);
    private static final int SENDERS = Integer.getInteger("bench.senders", 8);
    private static final int RATE = Integer.getInteger("bench.rate", 500);
    private static final int RATE_SECONDS = Integer.getInteger("bench.rate-seconds", 20);
    private static final int PERSONS = Integer.getInteger("bench.persons", 2000);
    private static final int E2E_TIMEOUT_S = Integer.getInteger("bench.e2e-timeout-s", 120);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 1000);
    /** A paced sender more than this late on its schedule gives up: the offered rate is above capacity. */
    private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Path PROJECT = Path.of(System.getProperty("hub.project.dir", "")).toAbsolutePath();

    private MllpBenchmark() {}

    /** Outcome of one sending run. Latencies in microseconds. */
    record Run(long messages, long nonAa, long errors, long elapsedNanos, Histogram latencyMicros, boolean saturated) {
        double perSecond() {
            return messages * 1e9 / elapsedNanos;
        }

        double ms(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36).toUpperCase(Locale.ROOT);
        System.out.printf("MLLP benchmark: count=%d senders=%d paced=%d/s x %ds persons=%d cpus=%d%n", COUNT, SENDERS,
                RATE, RATE_SECONDS, PERSONS, Runtime.getRuntime().availableProcessors());

        // (b) parse + map, in this JVM, no I/O.
        double parseMapRate = parseAndMapRate();

        // (a) HAPI's MLLP server, ACK only, no persistence.
        Run hapi = hapiReference(run);

        // The hub, separate process on PostgreSQL.
        Path dataDir = Files.createTempDirectory("crt-hub-bench-");
        PgSchema schema = PgSchema.create("bench_");
        HubProcess hub = new HubProcess(schema, dataDir, "512m", List.of());
        Path log = PROJECT.resolve("target").resolve("bench-hub-" + run + ".log");
        Run burst;
        Run paced;
        Run tlsBurst;
        double handshakes;
        Double e2eRate;
        String e2eNote = "";
        try {
            long t0 = System.nanoTime();
            hub.start(log, Duration.ofSeconds(120));
            System.out.printf("hub started in %.1f s (pid %d, schema %s, log %s)%n", (System.nanoTime() - t0) / 1e9,
                    hub.pid(), schema.name(), log);

            AdtTraffic warm = AdtTraffic.generate("BW-" + run + "-", WARMUP, 100_000, Math.max(1, WARMUP / 4), true);
            Run w = burst(hub.mllpPort(), warm, SENDERS);
            System.out.printf("warm-up: %d messages, %.0f msg/s ACK; waiting for the queue to drain...%n", w.messages(),
                    w.perSecond());
            String drained = drain(hub, 60);
            System.out.println("warm-up drain: " + drained);

            AdtTraffic traffic = AdtTraffic.generate("BB-" + run + "-", COUNT, 0, PERSONS, true);
            long burstStart = System.nanoTime();
            burst = burst(hub.mllpPort(), traffic, SENDERS);
            System.out.printf("burst: %d messages, %.0f msg/s ACK, p99 %.1f ms%n", burst.messages(), burst.perSecond(),
                    burst.ms(99));
            String outcome = drain(hub, E2E_TIMEOUT_S);
            long e2eNanos = System.nanoTime() - burstStart;
            if (outcome.startsWith("drained")) {
                e2eRate = COUNT * 1e9 / e2eNanos;
            } else {
                e2eRate = null;
                e2eNote = outcome;
            }
            System.out.printf("end-to-end: %s after %.1f s; store %s%n", outcome, e2eNanos / 1e9, hub.statusCounts());

            // Same traffic shape over MLLP/TLS with the EHPAD's client certificate from the hub's own dev PKI.
            Path pki = hub.pkiDir();
            char[] pw = System.getProperty("hub.pki.password", "changeit").toCharArray();
            Connect tlsConnect = () -> new MllpTlsClient("127.0.0.1", hub.mllpTlsPort(), fr.crt.hub.pki.TestPki.keystore(pki, "connector-ehpad-les-tilleuls"),
                    fr.crt.hub.pki.TestPki.truststore(pki), pw);
            AdtTraffic tlsTraffic = AdtTraffic.generate("BT-" + run + "-", COUNT, 200_000, PERSONS, true);
            burst(tlsConnect, AdtTraffic.generate("BTW-" + run + "-", WARMUP, 300_000, Math.max(1, WARMUP / 4), true), SENDERS);
            tlsBurst = burst(tlsConnect, tlsTraffic, SENDERS);
            System.out.printf("TLS burst: %d messages, %.0f msg/s ACK, p99 %.1f ms (%d non-AA, %d errors)%n",
                    tlsBurst.messages(), tlsBurst.perSecond(), tlsBurst.ms(99), tlsBurst.nonAa(), tlsBurst.errors());
            handshakes = handshakesPerSecond(tlsConnect, SENDERS, 10_000);
            System.out.printf("TLS handshakes: %.0f/s%n", handshakes);
            drain(hub, 30);

            AdtTraffic pacedTraffic = AdtTraffic.generate("BP-" + run + "-", RATE * RATE_SECONDS, 50_000, PERSONS, true);
            paced = paced(hub.mllpPort(), pacedTraffic, SENDERS, RATE);
            System.out.printf("paced: %d messages at %d/s offered, %.0f msg/s achieved, p99 %.1f ms%s%n", paced.messages(),
                    RATE, paced.perSecond(), paced.ms(99), paced.saturated() ? " (saturated, stopped early)" : "");
            System.out.println("final store: " + hub.statusCounts());
        } finally {
            try {
                hub.stop(); // graceful: lets a flight recording (hub.jvm-args) be written
            } finally {
                try {
                    schema.close();
                } finally {
                    HubTestBase.deleteRecursively(dataDir);
                }
            }
        }

        System.out.println();
        System.out.printf("%-52s %18s %14s %s%n", "metric", "measured", "target", "");
        row("Hub ACK throughput (" + SENDERS + " senders, burst " + COUNT + ")",
                String.format("%.0f msg/s", burst.perSecond()), ">= 2000 msg/s", burst.perSecond() >= 2000);
        row("Hub ACK latency p50 / p95 / p99 (burst)",
                String.format("%.1f/%.1f/%.1f ms", burst.ms(50), burst.ms(95), burst.ms(99)), "", null);
        row("Hub p99 ACK latency at " + RATE + " msg/s offered", (paced.saturated() ? ">= " : "")
                + String.format("%.1f ms", paced.ms(99)), "<= 25 ms", !paced.saturated() && paced.ms(99) <= 25);
        if (paced.saturated()) {
            System.out.printf("  (saturated: senders fell more than %d s behind the %d msg/s schedule and stopped after %d of %d"
                    + " messages)%n", TimeUnit.NANOSECONDS.toSeconds(MAX_LAG_NANOS), RATE, paced.messages(), RATE * RATE_SECONDS);
        }
        row("Hub end-to-end throughput (burst -> no QUEUED/RETRYING)",
                e2eRate == null ? "n/a" : String.format("%.0f msg/s", e2eRate), ">= 300 msg/s",
                e2eRate != null && e2eRate >= 300);
        double tlsRatio = tlsBurst.perSecond() / burst.perSecond();
        row("Hub TLS MLLP ACK throughput (persistent connections)", String.format("%.0f msg/s", tlsBurst.perSecond()), "",
                null);
        row("Hub TLS / plain ACK throughput", String.format("%.0f %%", tlsRatio * 100), ">= 70 %", tlsRatio >= 0.7);
        row("TLS handshakes per second (client certificate, " + SENDERS + " threads)", String.format("%.0f/s", handshakes),
                "", null);
        double ratio = burst.perSecond() / hapi.perSecond();
        row("Hub ACK throughput / HAPI no-persistence ref", String.format("%.0f %%", ratio * 100), ">= 50 %",
                ratio >= 0.5);
        row("ref (a) HAPI SimpleServer ACK, no persistence", String.format("%.0f msg/s", hapi.perSecond()), "", null);
        row("ref (a) HAPI ACK latency p50 / p95 / p99",
                String.format("%.1f/%.1f/%.1f ms", hapi.ms(50), hapi.ms(95), hapi.ms(99)), "", null);
        row("ref (b) parse + map in-JVM, no I/O (1 thread)", String.format("%.0f msg/s", parseMapRate), "", null);
        if (!e2eNote.isEmpty()) System.out.println("end-to-end not measured: " + e2eNote);
        if (burst.nonAa() + burst.errors() + paced.nonAa() + paced.errors() > 0) {
            System.out.printf("WARNING: burst %d non-AA / %d errors, paced %d non-AA / %d errors%n", burst.nonAa(),
                    burst.errors(), paced.nonAa(), paced.errors());
        }
        System.exit(0); // HAPI and HTTP client threads
    }

    private static void row(String metric, String measured, String target, Boolean ok) {
        System.out.printf("%-52s %18s %14s %s%n", metric, measured, target, ok == null ? "" : ok ? "OK" : "MISSED");
    }

    /** Single-thread rate of {@code Hl7Parsing.parse} + {@code PamFrAdtMapper.map} on the same traffic. */
    static double parseAndMapRate() throws Exception {
        Connector partner = new ConnectorRegistry(new ConnectorProperties(PROJECT.resolve("connectors")))
                .byId("ehpad-les-tilleuls").orElseThrow(() -> new IllegalStateException("connector ehpad-les-tilleuls"));
        PamFrAdtMapper mapper = new PamFrAdtMapper();
        AdtTraffic traffic = AdtTraffic.generate("PM-", 10_000, 0, PERSONS, true);
        List<String> texts = traffic.items().stream().map(i -> new String(i.bytes(), StandardCharsets.UTF_8)).toList();
        long rejected = 0;
        for (int pass = 0; pass < 2; pass++) { // warm-up
            for (String t : texts) {
                try {
                    mapper.map(Hl7Parsing.parse(t), partner, true);
                } catch (MessageRejectedException e) {
                    rejected++;
                }
            }
        }
        if (rejected > 0) System.out.printf("WARNING: %d generated messages rejected by the mapper%n", rejected / 2);
        long n = 0;
        long sink = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            for (String t : texts) {
                try {
                    sink += mapper.map(Hl7Parsing.parse(t), partner, true).trigger().length();
                } catch (MessageRejectedException e) {
                    sink++;
                }
                n++;
            }
        }
        double rate = n * 1e9 / (System.nanoTime() - start);
        System.out.printf("parse+map: %d messages in-JVM, %.0f msg/s (1 thread) [%d]%n", n, rate, sink % 2);
        return rate;
    }

    /** HAPI's MLLP server in this JVM answering AA, no persistence; driven like the hub. */
    static Run hapiReference(String run) throws Exception {
        ParserConfiguration configuration = new ParserConfiguration();
        configuration.setValidating(false);
        HapiContext context = new DefaultHapiContext(configuration, ValidationContextFactory.noValidation(),
                new CanonicalModelClassFactory("2.5"));
        int port = HubProcess.freePort();
        HL7Service server = context.newServer(port, false);
        server.registerApplication(new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) {
                try {
                    return message.generateACK();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        });
        server.startAndWait();
        try {
            burst(port, AdtTraffic.generate("HW-" + run + "-", WARMUP, 100_000, Math.max(1, WARMUP / 4), true), SENDERS);
            Run r = burst(port, AdtTraffic.generate("HB-" + run + "-", COUNT, 0, PERSONS, true), SENDERS);
            System.out.printf("HAPI reference: %d messages, %.0f msg/s ACK, p99 %.1f ms%n", r.messages(), r.perSecond(),
                    r.ms(99));
            return r;
        } finally {
            server.stopAndWait();
            context.close();
        }
    }

    /** All senders send their share as fast as the ACKs come back (one message in flight per connection). */
    /** Opens one partner connection (plain MLLP or MLLP over TLS). */
    @FunctionalInterface
    interface Connect {
        MllpClient open() throws IOException;
    }

    static Run burst(int port, AdtTraffic traffic, int senders) throws Exception {
        return drive(() -> new MllpClient("127.0.0.1", port), traffic.perSender(senders), 0);
    }

    static Run burst(Connect connect, AdtTraffic traffic, int senders) throws Exception {
        return drive(connect, traffic.perSender(senders), 0);
    }

    /** Full TLS handshakes (new connection, client certificate, close) per second, from {@code senders} threads. */
    static double handshakesPerSecond(Connect connect, int senders, long millis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            fs.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    try (MllpClient c = connect.open()) {
                        count.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get(5, TimeUnit.MINUTES);
        pool.shutdown();
        return count.get() * 1e9 / (System.nanoTime() - t0);
    }

    /**
     * Senders paced to {@code rate} msgs/s in total. Latency is measured from the intended send time, so a stalled
     * ACK also counts against the messages queued behind it (no coordinated omission).
     */
    static Run paced(int port, AdtTraffic traffic, int senders, int rate) throws Exception {
        return drive(() -> new MllpClient("127.0.0.1", port), traffic.perSender(senders), rate);
    }

    private static Run drive(Connect connect, List<List<Item>> shares, int rate) throws Exception {
        int senders = shares.size();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch ready = new CountDownLatch(senders);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong nonAa = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong startAt = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean saturated = new java.util.concurrent.atomic.AtomicBoolean();
        List<Future<Histogram>> futures = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            List<Item> share = shares.get(s);
            long offset = rate == 0 ? 0 : s * 1_000_000_000L / rate;
            long interval = rate == 0 ? 0 : senders * 1_000_000_000L / rate;
            futures.add(pool.submit(() -> {
                Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
                try (MllpClient c = connect.open()) {
                    ready.countDown();
                    go.await();
                    long t0 = startAt.get();
                    int k = 0;
                    for (Item item : share) {
                        long intended = System.nanoTime();
                        if (rate > 0) {
                            intended = t0 + offset + k * interval;
                            long wait;
                            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                        }
                        k++;
                        if (rate > 0 && System.nanoTime() - intended > MAX_LAG_NANOS) {
                            saturated.set(true); // the hub cannot take the offered rate: stop instead of queueing for minutes
                            h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - intended) / 1000));
                            return h;
                        }
                        try {
                            String ack = new String(c.sendBytes(item.bytes()), StandardCharsets.UTF_8);
                            h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - intended) / 1000));
                            if (!"AA".equals(MllpClient.ackCode(ack))) nonAa.incrementAndGet();
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            return h;
                        }
                    }
                }
                return h;
            }));
        }
        ready.await(30, TimeUnit.SECONDS);
        startAt.set(System.nanoTime());
        go.countDown();
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        for (Future<Histogram> f : futures) all.add(f.get(10, TimeUnit.MINUTES));
        long elapsed = System.nanoTime() - startAt.get();
        pool.shutdown();
        return new Run(all.getTotalCount(), nonAa.get(), errors.get(), elapsed, all, saturated.get());
    }

    /**
     * Waits (polling the store every 100 ms, up to {@code timeoutSeconds}) until no message is QUEUED or RETRYING.
     * Stops early when a message goes DEAD_LETTER: the pipeline is failing, a throughput would be meaningless.
     */
    private static String drain(HubProcess hub, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (hub.pendingCount() == 0) return "drained";
            long dead = hub.statusCounts().getOrDefault("DEAD_LETTER", 0L);
            if (dead > 0) return dead + " DEAD_LETTER (processing failing; is the canonical writer in place?)";
            if (!hub.isAlive()) return "hub process exited";
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return "timeout after " + timeoutSeconds + " s, " + hub.pendingCount() + " still pending";
    }
}
