package fr.crt.hub.alerts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Alert state in {@code hub_alert} (Flyway V3). */
public class AlertStore {

    private final JdbcTemplate jdbc;

    public AlertStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<Alert> active() {
        return jdbc.query("SELECT * FROM hub_alert WHERE cleared_at IS NULL ORDER BY raised_at DESC, id DESC", ROW);
    }

    /** Alerts raised or cleared since {@code since}, newest first, at most {@code limit}. */
    public List<Alert> recent(Instant since, int limit) {
        Timestamp t = Timestamp.from(since);
        return jdbc.query("SELECT * FROM hub_alert WHERE cleared_at IS NOT NULL AND (cleared_at >= ? OR raised_at >= ?)"
                + " ORDER BY raised_at DESC, id DESC LIMIT ?", ROW, t, t, limit);
    }

    long raise(String ruleId, String kind, String subject, Instant at, String value, String description) {
        jdbc.update("INSERT INTO hub_alert (rule_id, kind, subject, raised_at, last_value, last_checked_at, description)"
                + " VALUES (?,?,?,?,?,?,?)", ruleId, kind, cut(subject, 200), Timestamp.from(at), cut(value, 200),
                Timestamp.from(at), cut(description, 1000));
        return jdbc.queryForObject("SELECT MAX(id) FROM hub_alert WHERE rule_id = ? AND subject = ? AND cleared_at IS NULL",
                Long.class, ruleId, cut(subject, 200));
    }

    void touch(long id, Instant at, String value) {
        jdbc.update("UPDATE hub_alert SET last_value = ?, last_checked_at = ? WHERE id = ?", cut(value, 200), Timestamp.from(at), id);
    }

    void clear(long id, Instant at, String value) {
        jdbc.update("UPDATE hub_alert SET cleared_at = ?, last_value = ?, last_checked_at = ? WHERE id = ?",
                Timestamp.from(at), cut(value, 200), Timestamp.from(at), id);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static final RowMapper<Alert> ROW = (rs, n) -> new Alert(rs.getLong("id"), rs.getString("rule_id"),
            rs.getString("kind"), rs.getString("subject"), instant(rs, "raised_at"), instant(rs, "cleared_at"),
            rs.getString("last_value"), instant(rs, "last_checked_at"), rs.getString("description"));
}
