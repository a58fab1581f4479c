package fr.crt.hub.identity;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The durable list of INSi checks ({@code identity_check}, Flyway V2).
 *
 * <p>Why a table rather than a JMS queue: a check must wait (retry later when INSi is down, rate-limited or its
 * breaker open) for minutes or hours, be claimed by one worker at a time, be de-duplicated per (patient, trigger)
 * and stay visible afterwards with its outcome; a row with {@code next_attempt_at} and a lease does all of that on
 * the database the hub already commits to, with the same SQL on H2 and PostgreSQL, and the outcome is written in the
 * same transaction as the Patient change it causes.
 */
@Repository
public class IdentityCheckStore {

    public enum Status { PENDING, RUNNING, DONE }

    /** One check row (no traits: a Patient reference, a trigger key, codes). */
    public record Check(long id, String patientRef, String triggerKey, Status status, String outcome, String detail,
                        int attempts) {}

    private final JdbcTemplate jdbc;

    public IdentityCheckStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Asks for a check of {@code patientRef} because of {@code triggerKey}; a second ask with the same pair is ignored. */
    public boolean enqueue(String patientRef, String triggerKey) {
        Timestamp now = Timestamp.from(Instant.now());
        try {
            jdbc.update("INSERT INTO identity_check (patient_ref, trigger_key, status, attempts, created_at,"
                    + " next_attempt_at) VALUES (?,?,?,0,?,?)", patientRef, triggerKey, Status.PENDING.name(), now, now);
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /**
     * Claims up to {@code max} due checks (pending and due, or running with an expired lease: a worker that stopped)
     * for {@code lease}; a row is claimed by one worker only (conditional update).
     */
    public List<Long> claimDue(int max, Duration lease) {
        Timestamp now = Timestamp.from(Instant.now());
        List<Long> candidates = jdbc.queryForList("SELECT id FROM identity_check WHERE (status = 'PENDING' AND"
                + " next_attempt_at <= ?) OR (status = 'RUNNING' AND claimed_until < ?) ORDER BY next_attempt_at, id"
                + " FETCH FIRST " + max + " ROWS ONLY", Long.class, now, now);
        List<Long> claimed = new ArrayList<>();
        Timestamp until = Timestamp.from(Instant.now().plus(lease));
        for (Long id : candidates) {
            int n = jdbc.update("UPDATE identity_check SET status = 'RUNNING', claimed_until = ? WHERE id = ? AND"
                    + " ((status = 'PENDING' AND next_attempt_at <= ?) OR (status = 'RUNNING' AND claimed_until < ?))",
                    until, id, now, now);
            if (n == 1) {
                claimed.add(id);
            }
        }
        return claimed;
    }

    public Optional<Check> find(long id) {
        return jdbc.query("SELECT id, patient_ref, trigger_key, status, outcome, detail, attempts FROM identity_check"
                + " WHERE id = ?", (rs, i) -> new Check(rs.getLong(1), rs.getString(2), rs.getString(3),
                Status.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getInt(7)), id)
                .stream().findFirst();
    }

    public List<Check> forPatient(String patientRef) {
        return jdbc.query("SELECT id, patient_ref, trigger_key, status, outcome, detail, attempts FROM identity_check"
                + " WHERE patient_ref = ? ORDER BY id", (rs, i) -> new Check(rs.getLong(1), rs.getString(2),
                rs.getString(3), Status.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getInt(7)),
                patientRef);
    }

    /** Ends a running check; false when it was not running any more (another worker ended it). */
    public boolean done(long id, String outcome, String detail) {
        return jdbc.update("UPDATE identity_check SET status = 'DONE', outcome = ?, detail = ?, done_at = ?,"
                + " claimed_until = NULL WHERE id = ? AND status = 'RUNNING'", outcome, cut(detail, 400),
                Timestamp.from(Instant.now()), id) == 1;
    }

    /** Puts a running check back to wait until {@code at}; {@code countAttempt} when INSi was actually tried. */
    public void retryAt(long id, Instant at, boolean countAttempt, String detail) {
        jdbc.update("UPDATE identity_check SET status = 'PENDING', next_attempt_at = ?, claimed_until = NULL,"
                + " attempts = attempts + ?, detail = ? WHERE id = ? AND status = 'RUNNING'", Timestamp.from(at),
                countAttempt ? 1 : 0, cut(detail, 400), id);
    }

    public long countByStatus(Status status) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM identity_check WHERE status = ?", Long.class, status.name());
        return n == null ? 0 : n;
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
