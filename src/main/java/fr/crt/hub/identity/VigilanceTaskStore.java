package fr.crt.hub.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Identity vigilance tasks ({@code identity_task}, Flyway V2): kind, Patient references, codes; never traits. */
@Repository
public class VigilanceTaskStore {

    public enum Status { OPEN, RESOLVED }

    public enum Resolution { MERGE, DISTINCT, DISMISSED }

    public record Task(long id, TaskKind kind, Status status, String patientRef, String otherPatientRef, Long checkId,
                       String detail, Instant createdAt, Instant resolvedAt, String resolvedBy, String resolution,
                       String survivorRef, String mergedRef) {}

    private static final String COLUMNS = "id, kind, status, patient_ref, other_patient_ref, check_id, detail,"
            + " created_at, resolved_at, resolved_by, resolution, survivor_ref, merged_ref";

    private final JdbcTemplate jdbc;

    public VigilanceTaskStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Kind and patients, patients in a stable order: the same pair gives the same key whichever side found it. */
    static String pairKey(TaskKind kind, String patientRef, String otherPatientRef) {
        TreeSet<String> refs = new TreeSet<>();
        refs.add(patientRef);
        if (otherPatientRef != null) {
            refs.add(otherPatientRef);
        }
        return kind.name() + "|" + String.join("|", refs);
    }

    /**
     * Opens a task unless one of the same kind for the same patients is open; returns the open task's id either way.
     */
    public long open(TaskKind kind, String patientRef, String otherPatientRef, Long checkId, String detail) {
        String key = pairKey(kind, patientRef, otherPatientRef);
        Optional<Long> existing = openId(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            jdbc.update("INSERT INTO identity_task (kind, status, patient_ref, other_patient_ref, check_id, detail,"
                    + " pair_key, open_key, created_at) VALUES (?,?,?,?,?,?,?,?,?)", kind.name(), Status.OPEN.name(),
                    patientRef, otherPatientRef, checkId, IdentityCheckStore.cut(detail, 400), key, key,
                    Timestamp.from(Instant.now()));
        } catch (DuplicateKeyException e) {
            // opened concurrently: the open one is the task
        }
        return openId(key).orElseThrow();
    }

    private Optional<Long> openId(String key) {
        return jdbc.queryForList("SELECT id FROM identity_task WHERE open_key = ?", Long.class, key).stream()
                .findFirst();
    }

    /** Whether a person already said this pair is two people (or not a case): do not ask again. */
    public boolean decidedBefore(TaskKind kind, String patientRef, String otherPatientRef) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM identity_task WHERE pair_key = ? AND resolution IN"
                + " ('DISTINCT','DISMISSED')", Long.class, pairKey(kind, patientRef, otherPatientRef));
        return n != null && n > 0;
    }

    public Optional<Task> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM identity_task WHERE id = ?", VigilanceTaskStore::row, id)
                .stream().findFirst();
    }

    /** Open tasks naming {@code patientRef} on either side. */
    public List<Task> openFor(String patientRef) {
        return jdbc.query("SELECT " + COLUMNS + " FROM identity_task WHERE status = 'OPEN' AND (patient_ref = ? OR"
                + " other_patient_ref = ?) ORDER BY id", VigilanceTaskStore::row, patientRef, patientRef);
    }

    public List<Task> search(Status status, TaskKind kind, String patientRef, int page, int size) {
        List<Object> args = new ArrayList<>();
        String where = where(status, kind, patientRef, args);
        args.add(Math.max(0, page) * size);
        args.add(size);
        return jdbc.query("SELECT " + COLUMNS + " FROM identity_task" + where + " ORDER BY id DESC OFFSET ? ROWS"
                + " FETCH NEXT ? ROWS ONLY", VigilanceTaskStore::row, args.toArray());
    }

    public long count(Status status, TaskKind kind, String patientRef) {
        List<Object> args = new ArrayList<>();
        String where = where(status, kind, patientRef, args);
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM identity_task" + where, Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private static String where(Status status, TaskKind kind, String patientRef, List<Object> args) {
        List<String> c = new ArrayList<>();
        if (status != null) {
            c.add("status = ?");
            args.add(status.name());
        }
        if (kind != null) {
            c.add("kind = ?");
            args.add(kind.name());
        }
        if (patientRef != null) {
            c.add("(patient_ref = ? OR other_patient_ref = ?)");
            args.add(patientRef);
            args.add(patientRef);
        }
        return c.isEmpty() ? "" : " WHERE " + String.join(" AND ", c);
    }

    /** Closes an open task; false when it was not open any more. */
    public boolean resolve(long id, Resolution resolution, String by, String survivorRef, String mergedRef,
                           String comment) {
        return jdbc.update("UPDATE identity_task SET status = 'RESOLVED', open_key = NULL, resolved_at = ?,"
                + " resolved_by = ?, resolution = ?, survivor_ref = ?, merged_ref = ?, resolution_comment = ?"
                + " WHERE id = ? AND status = 'OPEN'", Timestamp.from(Instant.now()), by, resolution.name(),
                survivorRef, mergedRef, IdentityCheckStore.cut(comment, 1000), id) == 1;
    }

    private static Task row(ResultSet rs, int i) throws SQLException {
        long check = rs.getLong(6);
        Long checkId = rs.wasNull() ? null : check;
        Timestamp resolved = rs.getTimestamp(9);
        return new Task(rs.getLong(1), TaskKind.valueOf(rs.getString(2)), Status.valueOf(rs.getString(3)),
                rs.getString(4), rs.getString(5), checkId, rs.getString(7), rs.getTimestamp(8).toInstant(),
                resolved == null ? null : resolved.toInstant(), rs.getString(10), rs.getString(11), rs.getString(12),
                rs.getString(13));
    }
}
