package fr.crt.hub.retention;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.connector.ConnectorProperties;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.PatientKeys;
import fr.crt.hub.support.PgSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Retention and patient-keyed search on the real PostgreSQL (own schema, migrated by the hub's V1..V3 scripts, dropped
 * afterwards), without a Spring context: the batched purge (several batches), the grace period of failed messages,
 * row deletion with its cascade to stages and patient keys, and a message whose duplicate insert aborted a transaction
 * still stored with its keys.
 */
class RetentionOnPostgresTest {

    static PgSchema schema;
    static SingleConnectionDataSource ds;
    static JdbcTemplate jdbc;
    static MessageStore store;
    static final PatientKeys KEYS = new PatientKeys(PatientKeys.DEV_SECRET);
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @BeforeAll
    static void schema() throws Exception {
        schema = PgSchema.create("hubtest_ret_");
        Flyway.configure().dataSource(schema.url(), PgSchema.USER, PgSchema.PASSWORD).locations("classpath:db/migration/postgresql")
                .schemas(schema.name()).defaultSchema(schema.name()).table("hub_schema_history").load().migrate();
        ds = new SingleConnectionDataSource(schema.url(), PgSchema.USER, PgSchema.PASSWORD, true);
        jdbc = new JdbcTemplate(ds);
        store = new MessageStore(jdbc, new DataSourceTransactionManager(ds));
    }

    @AfterAll
    static void drop() throws Exception {
        ds.destroy();
        schema.close();
    }

    private static long stored(String connector, MessageStatus status, Duration age, String controlId, String key, String ins) {
        return store.store(new IncomingMessage(connector, connector, "mllp", NOW.minus(age), controlId, "ADT", "A08", "UTF-8",
                ("MSH|^~\\&|PG|" + controlId).getBytes(StandardCharsets.UTF_8), status, null, "AA", null, key, null),
                ins == null ? List.of() : List.of(KEYS.ins(ins))).id();
    }

    @Test
    void purgeInBatchesKeepsWorkInProgressAndDeletesRowsWithTheirKeys(@TempDir Path connectors) throws Exception {
        Files.writeString(connectors.resolve("pg-partner.yaml"), """
                id: pg-partner
                inbound: { transport: mllp, sendingApplication: [PG], sendingFacility: [PG] }
                patientIdSystem: 1.2.250.1.999.1
                retention: { rawDays: 10, rowDays: 100 }
                """);
        ConnectorRegistry registry = new ConnectorRegistry(new ConnectorProperties(connectors));
        assertThat(registry.byId("pg-partner").orElseThrow().retention().rowDays()).isEqualTo(100);
        RetentionService retention = new RetentionService(jdbc, new RetentionProperties(null, null, 5, null, 7, null), registry,
                Clock.fixed(NOW, ZoneOffset.UTC));

        for (int i = 0; i < 25; i++) stored("pg-partner", MessageStatus.PROCESSED, Duration.ofDays(20), "PG-OLD-" + i, null, null);
        long retrying = stored("pg-partner", MessageStatus.RETRYING, Duration.ofDays(50), "PG-RETRY", null, null);
        long deadInGrace = stored("pg-partner", MessageStatus.DEAD_LETTER, Duration.ofDays(12), "PG-DL-1", null, null);
        long deadPast = stored("pg-partner", MessageStatus.DEAD_LETTER, Duration.ofDays(16), "PG-DL-2", null, null);
        long ancient = stored("pg-partner", MessageStatus.PROCESSED, Duration.ofDays(200), "PG-ANCIENT", null, "100000000000001");
        store.event(ancient, "WRITTEN", "Patient/1");
        long fresh = stored("pg-partner", MessageStatus.PROCESSED, Duration.ofDays(2), "PG-FRESH", null, null);

        RetentionService.Result dry = retention.dryRun();
        RetentionService.Counts counts = dry.perConnector().stream().filter(c -> c.connector().equals("pg-partner")).findFirst().orElseThrow();
        assertThat(counts.rawToPurge()).isEqualTo(25 + 1 + 1); // 25 old + past grace + ancient
        assertThat(counts.rowsToDelete()).isEqualTo(1);

        RetentionService.Result done = retention.purge();
        assertThat(done.rawTotal()).isEqualTo(27); // in batches of 7
        assertThat(done.rowsTotal()).isEqualTo(1);
        assertThat(store.raw(deadPast)).as("a purged raw copy is no longer served").isEmpty();
        for (long id : List.of(retrying, deadInGrace, fresh)) assertThat(store.raw(id).orElseThrow()).isNotEmpty();
        assertThat(store.find(ancient)).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_message_event WHERE message_id = ?", Long.class, ancient)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_message_patient WHERE message_id = ?", Long.class, ancient)).isZero();
        assertThat(retention.dryRun().rawTotal()).isZero();
    }

    @Test
    void sentAndBouncedMessagesArePurgedWhileHeldOnesWait(@TempDir Path connectors) throws Exception {
        Files.writeString(connectors.resolve("pg-out.yaml"), """
                id: pg-out
                inbound: { transport: mllp, sendingApplication: [PGO], sendingFacility: [PGO] }
                patientIdSystem: 1.2.250.1.999.2
                retention: { rawDays: 10 }
                """);
        RetentionService retention = new RetentionService(jdbc, new RetentionProperties(null, null, 5, null, null, null),
                new ConnectorRegistry(new ConnectorProperties(connectors)), Clock.fixed(NOW, ZoneOffset.UTC));
        long read = stored("pg-out", MessageStatus.READ, Duration.ofDays(11), "PGO-READ", null, null);
        long bouncedInGrace = stored("pg-out", MessageStatus.BOUNCED, Duration.ofDays(11), "PGO-B1", null, null);
        long bouncedPast = stored("pg-out", MessageStatus.BOUNCED, Duration.ofDays(16), "PGO-B2", null, null);
        long held = stored("pg-out", MessageStatus.HELD, Duration.ofDays(400), "PGO-HELD", null, null);
        retention.purge();
        assertThat(store.raw(read)).isEmpty();
        assertThat(store.raw(bouncedPast)).isEmpty();
        assertThat(store.raw(bouncedInGrace).orElseThrow()).isNotEmpty();
        assertThat(store.raw(held).orElseThrow()).as("held work is never purged").isNotEmpty();
    }

    @Test
    void finishedIdentityWorkGoesAfterItsTermButNotWhatAKeptTaskPointsTo(@TempDir Path connectors) {
        RetentionService retention = new RetentionService(jdbc, new RetentionProperties(null, null, null, null, 2, 30),
                new ConnectorRegistry(new ConnectorProperties(connectors)), Clock.fixed(NOW, ZoneOffset.UTC));
        long oldDone = check("Patient/old", "DONE", 40);
        long oldDoneOfOpenTask = check("Patient/open", "DONE", 40);
        long oldDoneOfResolvedTask = check("Patient/resolved", "DONE", 40);
        long recentDone = check("Patient/recent", "DONE", 5);
        long oldPending = check("Patient/pending", null, 40);
        long openTask = task("Patient/open", oldDoneOfOpenTask, "OPEN", null);
        long oldResolved = task("Patient/resolved", oldDoneOfResolvedTask, "RESOLVED", 35);
        long recentResolved = task("Patient/recent", recentDone, "RESOLVED", 3);
        for (int i = 0; i < 5; i++) check("Patient/batch" + i, "DONE", 60);

        RetentionService.IdentityWork dry = retention.dryRun().identityWork();
        assertThat(dry.tasks()).isEqualTo(1);
        assertThat(dry.checks()).as("the resolved task's check is counted once the task is gone, not before")
                .isEqualTo(1 + 5);
        RetentionService.IdentityWork done = retention.purge().identityWork();
        assertThat(done.tasks()).isEqualTo(1);
        assertThat(done.checks()).isEqualTo(1 + 5 + 1); // in batches of 2
        assertThat(ids("identity_task")).containsExactlyInAnyOrder(openTask, recentResolved).doesNotContain(oldResolved);
        assertThat(ids("identity_check")).containsExactlyInAnyOrder(oldDoneOfOpenTask, recentDone, oldPending)
                .doesNotContain(oldDone, oldDoneOfResolvedTask);
    }

    private static long check(String patient, String status, int daysAgo) {
        Instant at = NOW.minus(Duration.ofDays(daysAgo));
        return jdbc.queryForObject("INSERT INTO identity_check (patient_ref, trigger_key, status, created_at,"
                + " next_attempt_at, done_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", Long.class, patient,
                "t-" + patient + "-" + daysAgo, status == null ? "PENDING" : status, java.sql.Timestamp.from(at),
                java.sql.Timestamp.from(at), status == null ? null : java.sql.Timestamp.from(at));
    }

    private static long task(String patient, long checkId, String status, Integer resolvedDaysAgo) {
        java.sql.Timestamp resolved = resolvedDaysAgo == null ? null : java.sql.Timestamp.from(NOW.minus(Duration.ofDays(resolvedDaysAgo)));
        return jdbc.queryForObject("INSERT INTO identity_task (kind, status, patient_ref, check_id, pair_key, open_key,"
                + " created_at, resolved_at) VALUES ('NOT_FOUND', ?, ?, ?, ?, ?, ?, ?) RETURNING id", Long.class, status,
                patient, checkId, "pair-" + patient, "OPEN".equals(status) ? "open-" + patient : null,
                java.sql.Timestamp.from(NOW.minus(Duration.ofDays(50))), resolved);
    }

    private static List<Long> ids(String table) {
        return jdbc.queryForList("SELECT id FROM " + table, Long.class);
    }

    @Test
    void aDuplicateStillGetsItsPatientKeysAfterTheAbortedTransaction() {
        long first = stored("pg-dup", MessageStatus.QUEUED, Duration.ZERO, "PG-DUP", "pg-dup|PG-DUP", "200000000000002");
        long second = stored("pg-dup", MessageStatus.QUEUED, Duration.ZERO, "PG-DUP", "pg-dup|PG-DUP", "200000000000002");
        assertThat(store.find(second).orElseThrow().status()).isEqualTo(MessageStatus.DUPLICATE);
        assertThat(store.find(second).orElseThrow().duplicateOf()).isEqualTo(first);
        List<Long> found = store.search(new MessageQuery(null, null, null, null, null, null, null, null, null,
                List.of(KEYS.ins("200000000000002")), null, 0, 10)).stream().map(m -> m.id()).toList();
        assertThat(found).containsExactly(second, first);
        store.markStatus(first, MessageStatus.PROCESSED, null);
    }
}
