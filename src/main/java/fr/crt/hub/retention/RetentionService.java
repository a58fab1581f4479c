package fr.crt.hub.retention;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes what the store no longer needs to keep: the raw bytes of messages older than their connector's retention
 * (and the rows themselves when the connector says so), only once a message is in a final state. A message that
 * is still to be processed (QUEUED, RETRYING) is never touched; REJECTED and DEAD_LETTER messages get a grace
 * period for repair. The canonical FHIR record is not concerned (health data are kept there as the law says).
 *
 * <p>Plain JDBC over the store's tables so that it runs the same on H2 and PostgreSQL, in batches of
 * {@code batchSize} rows per statement (short transactions, no long lock on a busy store).
 */
public class RetentionService {

    /** States after which a message will not move by itself. */
    static final List<String> DONE = List.of("PROCESSED", "DUPLICATE");
    /** Final but waiting for an operator: purged after the grace period only. */
    static final List<String> FAILED = List.of("REJECTED", "DEAD_LETTER");
    /** Policy key for messages whose connector is unknown or no longer declared. */
    public static final String OTHER = "(other)";

    private final JdbcTemplate jdbc;
    private final RetentionProperties props;
    private final ConnectorRegistry connectors;
    private final Clock clock;

    public RetentionService(JdbcTemplate jdbc, RetentionProperties props, ConnectorRegistry connectors, Clock clock) {
        this.jdbc = jdbc;
        this.props = props;
        this.connectors = connectors;
        this.clock = clock;
    }

    /** The retention that applies to one connector (or to {@link #OTHER}). */
    public record Policy(String connector, int rawDays, Integer rowDays, int failedGraceDays, boolean ownSetting) {}

    /** Per connector: how many raw copies and rows a purge would remove now. */
    public record Counts(String connector, long rawToPurge, long rowsToDelete) {}

    /** Outcome of a purge (or of a dry run). */
    public record Result(boolean dryRun, Instant at, List<Counts> perConnector, IdentityWork identityWork) {
        public long rawTotal() {
            return perConnector.stream().mapToLong(Counts::rawToPurge).sum();
        }

        public long rowsTotal() {
            return perConnector.stream().mapToLong(Counts::rowsToDelete).sum();
        }
    }

    /** Finished identity-vigilance rows past {@code hub.retention.identity-days}: INSi checks done, tasks resolved. */
    public record IdentityWork(long checks, long tasks) {}

    public List<Policy> policies() {
        List<Policy> out = new ArrayList<>();
        for (Connector c : connectors.all()) {
            Connector.Retention r = c.retention();
            int raw = r != null && r.rawDays() != null ? r.rawDays() : props.rawDays();
            Integer rows = r != null && r.rowDays() != null ? r.rowDays() : props.rowDays();
            if (rows != null && rows < raw) rows = raw; // a row never goes before its raw bytes' term
            out.add(new Policy(c.id(), raw, rows, props.failedGraceDays(), r != null));
        }
        out.add(new Policy(OTHER, props.rawDays(), props.rowDays(), props.failedGraceDays(), false));
        return out;
    }

    public Result dryRun() {
        return run(true);
    }

    public Result purge() {
        return run(false);
    }

    private Result run(boolean dryRun) {
        Instant now = clock.instant();
        List<Policy> policies = policies();
        List<String> known = policies.stream().map(Policy::connector).filter(id -> !OTHER.equals(id)).toList();
        List<Counts> counts = new ArrayList<>();
        for (Policy p : policies) {
            Scope scope = new Scope(p, known, now);
            long raw = dryRun ? count(scope.rawWhere(), scope.rawArgs()) : purgeRaw(scope, now);
            long rows = 0;
            if (p.rowDays() != null) rows = dryRun ? count(scope.rowWhere(), scope.rowArgs()) : deleteRows(scope);
            counts.add(new Counts(p.connector(), raw, rows));
        }
        return new Result(dryRun, now, counts, identityWork(dryRun, now));
    }

    private static final String OLD_CHECKS = " FROM identity_check WHERE status = 'DONE' AND done_at < ?"
            + " AND id NOT IN (SELECT check_id FROM identity_task WHERE check_id IS NOT NULL)"; // a kept task keeps its check
    private static final String OLD_TASKS = " FROM identity_task WHERE status = 'RESOLVED' AND resolved_at < ?";

    private IdentityWork identityWork(boolean dryRun, Instant now) {
        Timestamp before = Timestamp.from(now.minus(Duration.ofDays(props.identityDays())));
        if (dryRun) {
            return new IdentityWork(jdbc.queryForObject("SELECT COUNT(*)" + OLD_CHECKS, Long.class, before),
                    jdbc.queryForObject("SELECT COUNT(*)" + OLD_TASKS, Long.class, before));
        }
        // tasks first: a resolved task's check may then go in the same run
        long tasks = deleteInBatches("identity_task", OLD_TASKS, before);
        long checks = deleteInBatches("identity_check", OLD_CHECKS, before);
        return new IdentityWork(checks, tasks);
    }

    private long deleteInBatches(String table, String fromWhere, Timestamp before) {
        long total = 0;
        while (true) {
            int n = jdbc.update("DELETE FROM " + table + " WHERE id IN (SELECT id" + fromWhere + " ORDER BY id LIMIT ?)",
                    before, props.batchSize());
            total += n;
            if (n < props.batchSize()) return total;
        }
    }

    private long count(String where, List<Object> args) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE " + where, Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private long purgeRaw(Scope s, Instant now) {
        long total = 0;
        while (true) {
            List<Object> args = new ArrayList<>();
            args.add(new byte[0]);
            args.add(Timestamp.from(now));
            args.addAll(s.rawArgs());
            args.add(props.batchSize());
            int n = jdbc.update("UPDATE hub_message SET raw = ?, raw_purged_at = ? WHERE id IN (SELECT id FROM hub_message WHERE "
                    + s.rawWhere() + " ORDER BY id LIMIT ?)", args.toArray());
            total += n;
            if (n < props.batchSize()) return total;
        }
    }

    private long deleteRows(Scope s) {
        long total = 0;
        while (true) {
            List<Object> args = new ArrayList<>(s.rowArgs());
            args.add(props.batchSize());
            int n = jdbc.update("DELETE FROM hub_message WHERE id IN (SELECT id FROM hub_message WHERE " + s.rowWhere()
                    + " ORDER BY id LIMIT ?)", args.toArray());
            total += n;
            if (n < props.batchSize()) return total;
        }
    }

    /**
     * Final states only: work in progress (QUEUED, RETRYING, HELD, AWAITING_ATTACHMENT, PATIENT_UNKNOWN) is never
     * purged. Sent messages are final once SENT (a receipt may still come, but not after the retention term);
     * failures (REJECTED, DEAD_LETTER, BOUNCED) get the grace period for repair.
     */
    static final String AGE_BY_STATE = "((status IN ('PROCESSED','DUPLICATE','SENT','DELIVERED','READ','RELEASED') AND received_at < ?)"
            + " OR (status IN ('REJECTED','DEAD_LETTER','BOUNCED') AND received_at < ?))";

    /** The WHERE clauses of one policy: which connector(s), which age, which states. */
    private static final class Scope {
        private final String connectorClause;
        private final List<Object> connectorArgs = new ArrayList<>();
        private final Policy p;
        private final Instant now;

        Scope(Policy p, Collection<String> known, Instant now) {
            this.p = p;
            this.now = now;
            if (OTHER.equals(p.connector())) {
                connectorClause = known.isEmpty() ? "1=1"
                        : "(connector IS NULL OR connector NOT IN (" + marks(known.size()) + "))";
                connectorArgs.addAll(known);
            } else {
                connectorClause = "connector = ?";
                connectorArgs.add(p.connector());
            }
        }

        String rawWhere() {
            return connectorClause + " AND raw_purged_at IS NULL AND " + AGE_BY_STATE;
        }

        List<Object> rawArgs() {
            List<Object> a = new ArrayList<>(connectorArgs);
            a.add(Timestamp.from(now.minus(Duration.ofDays(p.rawDays()))));
            a.add(Timestamp.from(now.minus(Duration.ofDays((long) p.rawDays() + p.failedGraceDays()))));
            return a;
        }

        String rowWhere() {
            return connectorClause + " AND " + AGE_BY_STATE;
        }

        List<Object> rowArgs() {
            List<Object> a = new ArrayList<>(connectorArgs);
            a.add(Timestamp.from(now.minus(Duration.ofDays(p.rowDays()))));
            a.add(Timestamp.from(now.minus(Duration.ofDays((long) p.rowDays() + p.failedGraceDays()))));
            return a;
        }

        private static String marks(int n) {
            return String.join(",", java.util.Collections.nCopies(n, "?"));
        }
    }

    /** Policy and counts, as {@code GET /api/retention} shows them. */
    public Map<String, Object> view() {
        Result dry = dryRun();
        Map<String, Counts> byConnector = new LinkedHashMap<>();
        dry.perConnector().forEach(c -> byConnector.put(c.connector(), c));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Policy p : policies()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connector", p.connector());
            m.put("rawDays", p.rawDays());
            m.put("rowDays", p.rowDays());
            m.put("failedGraceDays", p.failedGraceDays());
            m.put("ownSetting", p.ownSetting());
            Counts c = byConnector.get(p.connector());
            m.put("rawToPurge", c == null ? 0 : c.rawToPurge());
            m.put("rowsToDelete", c == null ? 0 : c.rowsToDelete());
            rows.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", dry.at().toString());
        body.put("cron", props.cron());
        body.put("finalStates", List.of("PROCESSED", "DUPLICATE", "SENT", "DELIVERED", "READ", "RELEASED", "REJECTED (after grace)",
                "DEAD_LETTER (after grace)", "BOUNCED (after grace)"));
        body.put("identityDays", props.identityDays());
        body.put("identityChecksToDelete", dry.identityWork().checks());
        body.put("identityTasksToDelete", dry.identityWork().tasks());
        body.put("policies", rows);
        return body;
    }
}
