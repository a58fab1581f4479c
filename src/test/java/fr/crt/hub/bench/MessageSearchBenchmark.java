package fr.crt.hub.bench;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.PatientKeys;
import fr.crt.hub.support.PgSchema;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Message search on a large store: generates {@code bench.search.messages} messages (1,000,000) straight into a fresh
 * PostgreSQL schema migrated by the hub's own Flyway scripts (COPY; 10 partners, 20 triggers, mostly PROCESSED with
 * some DEAD_LETTER/REJECTED/DUPLICATE/RETRYING, 6 months of timestamps, {@code bench.search.patients} persons each
 * keyed by INS and IPP as the intake does), then times the first page (50 rows) of each console filter through
 * {@link MessageStore#search(MessageQuery, int)}, the SQL the API runs, {@code bench.search.queries} (200) random
 * queries per filter. Target: p95 &le; 300 ms per filter. The schema is dropped at the end.
 *
 * <p>Run: {@code ./mvnw -q -Pbench verify -Dbench.mllp.skip=true} (README, "Benchmark"). Output: counts and
 * latencies only (the generated persons are fictitious and never printed).
 */
public final class MessageSearchBenchmark {

    private static final int MESSAGES = Integer.getInteger("bench.search.messages", 1_000_000);
    private static final int PATIENTS = Integer.getInteger("bench.search.patients", 200_000);
    private static final int QUERIES = Integer.getInteger("bench.search.queries", 200);
    private static final int PAGE = 50;
    private static final double TARGET_P95_MS = 300;
    private static final int PARTNERS = 10;
    private static final String[] TRIGGERS = {"A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A11", "A12",
            "A13", "A21", "A22", "A28", "A31", "A38", "A40", "A47", "A52", "A53"};
    /** Busy triggers first: A08 (update) and A01/A03 dominate real ADT traffic. */
    private static final int[] TRIGGER_WEIGHTS = {12, 6, 10, 4, 3, 2, 2, 25, 2, 2, 2, 4, 4, 5, 8, 1, 1, 1, 3, 3};
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final long SPAN_SECONDS = Duration.ofDays(182).toSeconds();

    private MessageSearchBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("Message search benchmark: messages=%d patients=%d queries/filter=%d page=%d cpus=%d%n",
                MESSAGES, PATIENTS, QUERIES, PAGE, Runtime.getRuntime().availableProcessors());
        PgSchema schema = PgSchema.create("bench_search_");
        try {
            Flyway.configure().dataSource(schema.url(), PgSchema.USER, PgSchema.PASSWORD)
                    .locations("classpath:db/migration/postgresql").schemas(schema.name()).defaultSchema(schema.name())
                    .table("hub_schema_history").load().migrate();
            PatientKeys keys = new PatientKeys(PatientKeys.DEV_SECRET);
            long t0 = System.nanoTime();
            try (Connection c = schema.connect()) {
                load(c, keys);
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE hub_message");
                    s.execute("ANALYZE hub_message_patient");
                }
            }
            System.out.printf("generated %d messages in %.1f s (COPY, indexes in place)%n", MESSAGES, (System.nanoTime() - t0) / 1e9);

            // one open connection, as the hub's pool gives (a new connection per query would time the login)
            SingleConnectionDataSource ds = new SingleConnectionDataSource(schema.url(), PgSchema.USER, PgSchema.PASSWORD, true);
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            MessageStore store = new MessageStore(jdbc, new DataSourceTransactionManager(ds));
            List<String> controlIds = jdbc.queryForList("SELECT control_id FROM hub_message TABLESAMPLE SYSTEM (1) LIMIT 5000", String.class);

            Map<String, Function<SplittableRandom, MessageQuery>> filters = new LinkedHashMap<>();
            filters.put("none (newest first)", r -> q(null, null, null, null, null, null, null, null, null));
            filters.put("partner", r -> q(partner(r.nextInt(PARTNERS)), null, null, null, null, null, null, null, null));
            filters.put("connector", r -> q(null, partner(r.nextInt(PARTNERS)), null, null, null, null, null, null, null));
            filters.put("type + trigger", r -> q(null, null, "ADT", TRIGGERS[r.nextInt(TRIGGERS.length)], null, null, null, null, null));
            filters.put("trigger", r -> q(null, null, null, TRIGGERS[r.nextInt(TRIGGERS.length)], null, null, null, null, null));
            filters.put("status", r -> q(null, null, null, null, MessageStatus.values()[r.nextInt(MessageStatus.values().length)],
                    null, null, null, null));
            filters.put("status DEAD_LETTER + partner", r -> q(partner(r.nextInt(PARTNERS)), null, null, null,
                    MessageStatus.DEAD_LETTER, null, null, null, null));
            filters.put("time range (1 day)", r -> {
                Instant from = NOW.minusSeconds(r.nextLong(SPAN_SECONDS));
                return q(null, null, null, null, null, from, from.plus(Duration.ofDays(1)), null, null);
            });
            filters.put("control id", r -> q(null, null, null, null, null, null, null, controlIds.get(r.nextInt(controlIds.size())), null));
            filters.put("patient by INS", r -> q(null, null, null, null, null, null, null, null,
                    List.of(keys.ins(ins(r.nextInt(PATIENTS))))));
            filters.put("patient by IPP (all partners)", r -> {
                int p = r.nextInt(PATIENTS);
                List<String> k = new ArrayList<>();
                for (int i = 0; i < PARTNERS; i++) k.add(keys.local(ippSystem(i), ipp(p)));
                return q(null, null, null, null, null, null, null, null, k);
            });
            filters.put("patient by INS + time range (30 d)", r -> {
                Instant from = NOW.minusSeconds(r.nextLong(SPAN_SECONDS));
                return q(null, null, null, null, null, from, from.plus(Duration.ofDays(30)), null,
                        List.of(keys.ins(ins(r.nextInt(PATIENTS)))));
            });

            System.out.println();
            System.out.printf("%-36s %10s %10s %10s %12s %s%n", "filter (first page, 50 rows)", "p50 ms", "p95 ms", "max ms",
                    "rows(avg)", "target p95<=300ms");
            SplittableRandom random = new SplittableRandom(42);
            boolean allOk = true;
            for (var f : filters.entrySet()) {
                for (int i = 0; i < 10; i++) store.search(f.getValue().apply(random), PAGE + 1); // warm-up
                double[] ms = new double[QUERIES];
                long rows = 0;
                for (int i = 0; i < QUERIES; i++) {
                    MessageQuery query = f.getValue().apply(random);
                    long s = System.nanoTime();
                    rows += store.search(query, PAGE + 1).size();
                    ms[i] = (System.nanoTime() - s) / 1e6;
                }
                Arrays.sort(ms);
                double p95 = ms[(int) Math.ceil(0.95 * QUERIES) - 1];
                boolean ok = p95 <= TARGET_P95_MS;
                allOk &= ok;
                System.out.printf("%-36s %10.2f %10.2f %10.2f %12.1f %s%n", f.getKey(), ms[QUERIES / 2], p95,
                        ms[QUERIES - 1], rows / (double) QUERIES, ok ? "OK" : "MISSED");
            }
            System.out.println();
            System.out.println(allOk ? "all filters within target" : "SOME FILTERS MISSED THE TARGET");
            explain(jdbc, store, keys);
            ds.destroy();
        } finally {
            schema.close();
            System.out.println("schema " + schema.name() + " dropped");
        }
    }

    private static MessageQuery q(String partner, String connector, String type, String trigger, MessageStatus status,
                                  Instant from, Instant to, String controlId, List<String> keys) {
        return new MessageQuery(partner, connector, type, trigger, status, from, to, controlId, null, keys, null, 0, PAGE);
    }

    /** The plan of the patient search, to show it is an index lookup and not a scan. */
    private static void explain(JdbcTemplate jdbc, MessageStore store, PatientKeys keys) {
        String plan = String.join("\n  ", jdbc.queryForList("EXPLAIN SELECT id FROM hub_message WHERE id IN (SELECT message_id"
                + " FROM hub_message_patient WHERE id_key IN (?)) ORDER BY received_at DESC, id DESC LIMIT 51",
                String.class, keys.ins(ins(7))));
        System.out.println("plan of the patient search:\n  " + plan);
    }

    static String partner(int i) {
        return String.format("bench-partner-%02d", i);
    }

    static String ippSystem(int partner) {
        return "1.2.250.1.213.1.999.9" + partner + ".1";
    }

    /** A fictitious 15-digit INS (not a valid NIR: the key is not computed). */
    static String ins(int patient) {
        return String.format("%d%013d", 1 + patient % 2, 9_000_000_000_000L + patient);
    }

    static String ipp(int patient) {
        return "IPP" + (1_000_000 + patient);
    }

    private static void load(Connection c, PatientKeys keys) throws Exception {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        SplittableRandom r = new SplittableRandom(7);
        int[] triggerTable = weighted();
        // each person is followed by one or two partners (home partner, sometimes a hospital)
        final int chunk = 20_000;
        StringBuilder msg = new StringBuilder(chunk * 900);
        StringBuilder pat = new StringBuilder(chunk * 200);
        HexFormat hex = HexFormat.of();
        for (int id = 1; id <= MESSAGES; id++) {
            int patient = r.nextInt(PATIENTS);
            int partner = r.nextInt(4) == 0 ? (patient * 7 + 3) % PARTNERS : patient % PARTNERS;
            String trigger = TRIGGERS[triggerTable[r.nextInt(triggerTable.length)]];
            int roll = r.nextInt(1000);
            String status = roll < 930 ? "PROCESSED" : roll < 960 ? "DUPLICATE" : roll < 980 ? "REJECTED"
                    : roll < 995 ? "DEAD_LETTER" : roll < 998 ? "RETRYING" : "QUEUED";
            Instant at = NOW.minusSeconds(r.nextLong(SPAN_SECONDS)).plusNanos(r.nextInt(1_000_000) * 1000L);
            String controlId = "BENCH" + id;
            byte[] raw = raw(partner, trigger, controlId, patient);
            String ack = status.equals("REJECTED") ? "AE" : "AA";
            msg.append(id).append('\t').append(partner(partner)).append('\t').append(partner(partner)).append("\tmllp\t")
                    .append(at).append('\t').append(controlId).append("\tADT\t").append(trigger).append("\tUTF-8\t")
                    .append(MessageStore.sha256(raw)).append('\t').append(raw.length).append("\t\\\\x").append(hex.formatHex(raw))
                    .append('\t').append(status).append('\t')
                    .append(status.equals("REJECTED") || status.equals("DEAD_LETTER") ? "bench failure" : "\\N")
                    .append('\t').append(ack).append('\t').append(status.equals("PROCESSED") ? "1" : "0").append('\t')
                    .append(status.equals("PROCESSED") ? at.plusMillis(40).toString() : "\\N").append('\t')
                    .append(status.equals("PROCESSED") ? "Patient/" + (patient + 1) : "\\N").append('\n');
            pat.append(keys.ins(ins(patient))).append('\t').append(id).append('\n');
            pat.append(keys.local(ippSystem(partner), ipp(patient))).append('\t').append(id).append('\n');
            if (id % chunk == 0 || id == MESSAGES) {
                copy.copyIn("COPY hub_message (id, partner_id, connector, transport, received_at, control_id, message_type,"
                        + " trigger_event, charset, sha256, size_bytes, raw, status, status_reason, ack_code, attempts,"
                        + " processed_at, patient_ref) FROM STDIN", new StringReader(msg.toString()));
                copy.copyIn("COPY hub_message_patient (id_key, message_id) FROM STDIN", new StringReader(pat.toString()));
                msg.setLength(0);
                pat.setLength(0);
                if (id % 200_000 == 0) System.out.printf("  %d messages loaded%n", id);
            }
        }
    }

    private static int[] weighted() {
        List<Integer> t = new ArrayList<>();
        for (int i = 0; i < TRIGGERS.length; i++) for (int w = 0; w < TRIGGER_WEIGHTS[i]; w++) t.add(i);
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A PAM-FR-shaped ADT of about 600 bytes with fictitious content (no real person). */
    private static byte[] raw(int partner, String trigger, String controlId, int patient) {
        String s = "MSH|^~\\&|DUI_BENCH" + partner + "|BENCH" + partner + "|CRT-HUB|CRT|20260101120000||ADT^" + trigger
                + "^ADT_A01|" + controlId + "|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM\r"
                + "EVN||20260101120000|||BENCH^OPERATEUR\r"
                + "PID|1||" + ipp(patient) + "^^^BENCH&" + ippSystem(partner) + "&ISO^PI~" + ins(patient)
                + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||FICTIF-" + patient + "^PERSONNE^PERSONNE^^^^L||19400101|"
                + (patient % 2 == 0 ? "F" : "M") + "|||1 rue de l'Essai^^VILLE^^17000^FRA^H||||||||||||||||||||||N||VALI\r"
                + "PV1|1|O|BENCH^^^BENCH&" + ippSystem(partner) + "&ISO||||||||||||||||V" + controlId + "^^^BENCH&"
                + ippSystem(partner) + "&ISO^VN|||||||||||||||||||||||||20260101120000\r"
                + "ZBE|MVT" + controlId + "^BENCH|20260101120000||INSERT|N\r";
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
