package fr.crt.hub.dui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.support.AdtTraffic;
import fr.crt.hub.support.AdtTraffic.Item;
import fr.crt.hub.support.HubProcess;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.PgSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN rule 1, end to end, with a real crash: the packaged hub runs as a separate process on PostgreSQL and its
 * own Artemis journal; four partner connections stream PAM-FR ADT; the hub is killed with SIGKILL in the middle of
 * the stream (about half the messages acknowledged, others in flight, the processing consumers busy), restarted on
 * the same data folder and schema, and the sender resends what it never heard an ACK for. Then:
 * <ul>
 *   <li>every control id that got AA is PROCESSED exactly once (other rows for it are DUPLICATE, or a REJECTED/AE
 *       row whose key was released when the queue was unavailable);</li>
 *   <li>nothing is left QUEUED or RETRYING, nothing is DEAD_LETTER;</li>
 *   <li>the FHIR repository holds one Patient per person sent and one Encounter per stay sent (no duplicate).</li>
 * </ul>
 * Runs in {@code verify} (maven-failsafe-plugin) against {@code target/crt-hub.jar}; needs PostgreSQL on
 * 127.0.0.1:5432 (db {@code test}, user {@code postgres}, trust). Hub output: {@code target/crash-hub-*.log}.
 */
class CrashSafetyIT {

    private static final Logger log = LoggerFactory.getLogger(CrashSafetyIT.class);

    private static final int MESSAGES = Integer.getInteger("crash.messages", 800);
    private static final int PERSONS = Integer.getInteger("crash.persons", 530);
    private static final int SENDERS = Integer.getInteger("crash.senders", 4);
    private static final int KILL_AFTER_ACKS = Integer.getInteger("crash.kill-after-acks", MESSAGES / 2);
    // a hub start takes 60-90 s on a loaded 2-core machine
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Integer.getInteger("crash.start-timeout-s", 300));
    // each applied ADT now also records an identity check and asks the outbound dispatcher: draining takes longer
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(Integer.getInteger("crash.drain-timeout-s", 360));
    private static final Path TARGET = Path.of(System.getProperty("hub.project.dir", "")).toAbsolutePath().resolve("target");

    @Test
    void killedMidStreamThenRestartedLosesNothingAndDuplicatesNothing() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
        AdtTraffic traffic = AdtTraffic.generate("CRASH-" + run + "-", MESSAGES, 0, PERSONS, false);
        Path dataDir = Files.createTempDirectory("crt-hub-crash-");
        PgSchema schema = PgSchema.create("crash_");
        HubProcess hub = null;
        try {
            hub = new HubProcess(schema, dataDir, "512m", List.of());
            log.info("crash test: schema {}, data {}, MLLP {}, HTTP {}", schema.name(), dataDir, hub.mllpPort(), hub.httpPort());
            hub.start(TARGET.resolve("crash-hub-1-" + run + ".log"), START_TIMEOUT);

            // 1. Stream until KILL_AFTER_ACKS AAs, then SIGKILL while the senders are still sending.
            Set<String> acked = ConcurrentHashMap.newKeySet();
            AtomicInteger ackCount = new AtomicInteger();
            CountDownLatch killNow = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> senders = new ArrayList<>();
            for (List<Item> share : traffic.perSender(SENDERS)) {
                int port = hub.mllpPort();
                senders.add(pool.submit(() -> sendUntilConnectionLost(port, share, acked, ackCount, killNow)));
            }
            boolean reached = killNow.await(2, TimeUnit.MINUTES);
            long pid = hub.pid();
            hub.kill();
            assertThat(reached).as("%d AAs before the kill", KILL_AFTER_ACKS).isTrue();
            for (Future<?> f : senders) f.get(1, TimeUnit.MINUTES);
            int ackedBeforeCrash = acked.size();
            log.info("crash test: hub pid {} killed (SIGKILL) after {} AAs; {} messages never acknowledged",
                    pid, ackedBeforeCrash, MESSAGES - ackedBeforeCrash);
            assertThat(ackedBeforeCrash).isGreaterThanOrEqualTo(KILL_AFTER_ACKS).isLessThan(MESSAGES);

            // 2. Restart on the same data folder and schema; resend whatever never got an AA, in order.
            hub.start(TARGET.resolve("crash-hub-2-" + run + ".log"), START_TIMEOUT);
            List<Item> unacked = traffic.items().stream().filter(i -> !acked.contains(i.controlId())).toList();
            senders.clear();
            for (List<Item> share : AdtTraffic.split(unacked, SENDERS)) {
                int port = hub.mllpPort();
                senders.add(pool.submit(() -> {
                    resend(port, share, acked);
                    return null;
                }));
            }
            for (Future<?> f : senders) f.get(2, TimeUnit.MINUTES);
            pool.shutdown();
            assertThat(acked).as("every message acknowledged AA in the end").hasSize(MESSAGES);

            // 3. Wait for the queue to drain: nothing QUEUED or RETRYING; a dead letter fails at once.
            HubProcess h = hub;
            await("store drained (no QUEUED/RETRYING)").atMost(DRAIN_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .failFast("a message went DEAD_LETTER", () -> h.statusCounts().getOrDefault("DEAD_LETTER", 0L) > 0)
                    .failFast("hub process exited", () -> !h.isAlive())
                    .until(() -> h.pendingCount() == 0);
            log.info("crash test: store drained, statuses {}", hub.statusCounts());

            // 4. Exactly once per acknowledged control id, in the store.
            Map<String, List<String[]>> rows = rowsByControlId(schema, "CRASH-" + run + "-");
            List<String> violations = new ArrayList<>();
            for (String controlId : acked) {
                List<String[]> r = rows.getOrDefault(controlId, List.of());
                long processed = r.stream().filter(x -> x[0].equals("PROCESSED")).count();
                boolean othersOk = r.stream().allMatch(x -> x[0].equals("PROCESSED") || x[0].equals("DUPLICATE")
                        || (x[0].equals("REJECTED") && "AE".equals(x[1])));
                if (processed != 1 || !othersOk) {
                    violations.add(controlId + " " + r.stream().map(x -> x[0] + "/" + x[1]).toList());
                }
            }
            assertThat(violations).as("control ids not PROCESSED exactly once").isEmpty();
            assertThat(hub.statusCounts()).doesNotContainKeys("DEAD_LETTER", "QUEUED", "RETRYING");

            // 5. No duplicate resource in the canonical repository.
            assertThat(hub.fhirCount("Patient")).as("Patients = distinct persons sent").isEqualTo(traffic.distinctPersons());
            assertThat(hub.fhirCount("Encounter")).as("Encounters = distinct stays sent").isEqualTo(traffic.distinctVisits());
        } finally {
            try {
                if (hub != null) hub.kill();
            } finally {
                try {
                    schema.close();
                } finally {
                    HubTestBase.deleteRecursively(dataDir);
                }
            }
        }
    }

    /** Phase 1 sender: one persistent connection; stops at the first I/O error (the hub was killed). */
    private static Void sendUntilConnectionLost(int port, List<Item> items, Set<String> acked, AtomicInteger ackCount,
                                                CountDownLatch killNow) {
        try (MllpClient c = new MllpClient("127.0.0.1", port)) {
            for (Item item : items) {
                if (isAa(c.sendBytes(item.bytes()), item)) {
                    acked.add(item.controlId());
                    if (ackCount.incrementAndGet() == KILL_AFTER_ACKS) killNow.countDown();
                }
            }
        } catch (IOException expected) {
            // the hub died under us: everything from this item on is unacknowledged
        }
        return null;
    }

    /** Phase 2 sender: what a partner does after an outage; an AE or a lost connection means "send again". */
    private static void resend(int port, List<Item> items, Set<String> acked) throws IOException {
        MllpClient c = new MllpClient("127.0.0.1", port);
        try {
            for (Item item : items) {
                for (int attempt = 1; ; attempt++) {
                    try {
                        if (isAa(c.sendBytes(item.bytes()), item)) {
                            acked.add(item.controlId());
                            break;
                        }
                    } catch (IOException e) {
                        c.close();
                        c = new MllpClient("127.0.0.1", port);
                    }
                    if (attempt == 5) throw new IOException("no AA after 5 attempts for " + item.controlId());
                }
            }
        } finally {
            c.close();
        }
    }

    private static boolean isAa(byte[] ack, Item item) {
        String text = new String(ack, StandardCharsets.UTF_8);
        return "AA".equals(MllpClient.ackCode(text)) && item.controlId().equals(MllpClient.field(text, "MSA", 2));
    }

    /** control id → [status, ack_code] of every stored row for this run. */
    private static Map<String, List<String[]>> rowsByControlId(PgSchema schema, String prefix) throws Exception {
        Map<String, List<String[]>> rows = new HashMap<>();
        try (Connection c = schema.connect();
             PreparedStatement ps = c.prepareStatement("SELECT control_id, status, ack_code FROM hub_message"
                     + " WHERE control_id LIKE ? ORDER BY id")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        return rows;
    }
}
