package fr.crt.hub.console;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Read-only figures over {@code hub_message} for the dashboard and the detail page (what the message store's write
 * API has no reason to offer). Every query is bounded by an index: received_at, (status, received_at), replay_of.
 */
@Repository
public class ConsoleStats {

    static final String FAILED = "('REJECTED','DEAD_LETTER')";

    private final JdbcTemplate jdbc;

    public ConsoleStats(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Received and failed counts since {@code since}. */
    public record Counts(long received, long failed) {
        public static final Counts NONE = new Counts(0, 0);
    }

    /** Counts per partner id (null key: unknown sender) since {@code since}. */
    public Map<String, Counts> countsByPartner(Instant since) {
        Map<String, Counts> out = new HashMap<>();
        jdbc.query("SELECT partner_id, COUNT(*), SUM(CASE WHEN status IN " + FAILED + " THEN 1 ELSE 0 END)"
                        + " FROM hub_message WHERE received_at >= ? GROUP BY partner_id",
                rs -> { out.put(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3))); }, Timestamp.from(since));
        return out;
    }

    public static Counts total(Map<String, Counts> byPartner) {
        return new Counts(byPartner.values().stream().mapToLong(Counts::received).sum(),
                byPartner.values().stream().mapToLong(Counts::failed).sum());
    }

    /** When the partner's last message arrived. */
    public Optional<Instant> lastReceived(String partnerId) {
        return jdbc.query("SELECT received_at FROM hub_message WHERE partner_id = ? ORDER BY received_at DESC LIMIT 1",
                (rs, n) -> rs.getTimestamp(1).toInstant(), partnerId).stream().findFirst();
    }

    /** The partner's last refused or dead-lettered message: id, time, reason (reasons name fields, never data). */
    public record LastError(long messageId, Instant at, String reason) {}

    public Optional<LastError> lastError(String partnerId) {
        return jdbc.query("SELECT id, received_at, status_reason FROM hub_message WHERE partner_id = ? AND status IN " + FAILED
                        + " ORDER BY received_at DESC LIMIT 1",
                (rs, n) -> new LastError(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3)), partnerId)
                .stream().findFirst();
    }

    /** Reception time of the oldest message acknowledged but not applied yet (processing lag). */
    public Optional<Instant> oldestPending() {
        return jdbc.query("SELECT MIN(received_at) FROM hub_message WHERE status IN ('QUEUED','RETRYING')",
                (rs, n) -> rs.getTimestamp(1)).stream().filter(t -> t != null).map(Timestamp::toInstant).findFirst();
    }

    /** Copies made of a message by replays, oldest first. */
    public List<Long> replaysOf(long messageId) {
        return jdbc.queryForList("SELECT id FROM hub_message WHERE replay_of = ? ORDER BY id", Long.class, messageId);
    }

    /** Who edited this copy (edit-and-replay), if it is one. */
    public Optional<String> editedBy(long messageId) {
        return jdbc.query("SELECT edited_by FROM hub_message WHERE id = ?", (rs, n) -> rs.getString(1), messageId)
                .stream().filter(u -> u != null).findFirst();
    }
}
