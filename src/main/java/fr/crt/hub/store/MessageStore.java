package fr.crt.hub.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The message store: raw bytes and the life of every message, in the hub's own tables (Flyway schema).
 * Writes are single statements in auto-commit so that "stored" means "committed" before the ACK leaves.
 */
@Repository
public class MessageStore {

    private static final String COLUMNS = "id, partner_id, connector, transport, received_at, control_id, message_type,"
            + " trigger_event, charset, sha256, size_bytes, status, status_reason, ack_code, error_location, attempts,"
            + " processed_at, patient_ref, duplicate_of, replay_of";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public MessageStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** Outcome of {@link #store}: the new row, and the original when it was a duplicate. */
    public record Stored(long id, Long duplicateOf) {
        public boolean duplicate() { return duplicateOf != null; }
    }

    /**
     * Stores a message. When its idempotency key was already stored, the message is recorded as a
     * {@link MessageStatus#DUPLICATE} of the first one instead, so that nothing is processed twice.
     */
    public Stored store(IncomingMessage m) {
        return store(m, List.of(), true);
    }

    /**
     * Same, with the {@link PatientKeys} of the identifiers the message carries: the row and its keys are written in
     * one transaction (one insert and one batch insert), so a stored message is always findable by patient.
     */
    public Stored store(IncomingMessage m, Collection<String> patientKeys) {
        return store(m, patientKeys, true);
    }

    /**
     * Stores a message whose idempotency key alone identifies it, whatever its bytes (a mail's Message-ID: the same
     * mail read twice from the server, or delivered twice, is a {@link MessageStatus#DUPLICATE}).
     */
    public Stored storeByKey(IncomingMessage m) {
        return store(m, List.of(), false, null);
    }

    /**
     * Same, with the first event of a new (not duplicate) message written in the same transaction: one commit per
     * message instead of two, for transports that store large messages one after another (mail).
     */
    public Stored storeByKey(IncomingMessage m, String stage, String detail) {
        return store(m, List.of(), false, new Event(stage, detail));
    }

    private record Event(String stage, String detail) {}

    private Stored store(IncomingMessage m, Collection<String> patientKeys, boolean keyIncludesContent) {
        return store(m, patientKeys, keyIncludesContent, null);
    }

    private Stored store(IncomingMessage m, Collection<String> patientKeys, boolean keyIncludesContent, Event first) {
        String sha = sha256(m.raw());
        // Same partner and control id but other content is a new message (senders do reuse control ids).
        String key = m.idempotencyKey() == null ? null : keyIncludesContent ? m.idempotencyKey() + "|" + sha : m.idempotencyKey();
        try {
            return new Stored(insertWithKeys(m, sha, m.status(), m.statusReason(), key, null, patientKeys, first), null);
        } catch (DuplicateKeyException e) {
            // the failed transaction was rolled back whole (PostgreSQL aborts it at the first error): start again
            Long original = jdbc.query("SELECT id FROM hub_message WHERE idempotency_key = ?",
                    rs -> rs.next() ? rs.getLong(1) : null, key);
            long id = insertWithKeys(m, sha, MessageStatus.DUPLICATE, (keyIncludesContent ? "same partner, control id and content"
                    : "same idempotency key") + " as message " + original, null, original, patientKeys, null);
            return new Stored(id, original);
        }
    }

    private long insertWithKeys(IncomingMessage m, String sha, MessageStatus status, String reason, String key,
                                Long duplicateOf, Collection<String> patientKeys, Event first) {
        boolean noKeys = patientKeys == null || patientKeys.isEmpty();
        if (noKeys && first == null) return insert(m, sha, status, reason, key, duplicateOf);
        List<String> distinct = noKeys ? List.of() : patientKeys.stream().distinct().toList();
        return tx.execute(t -> {
            long id = insert(m, sha, status, reason, key, duplicateOf);
            if (first != null) event(id, first.stage(), first.detail());
            if (!distinct.isEmpty()) jdbc.batchUpdate("INSERT INTO hub_message_patient (id_key, message_id) VALUES (?,?)", distinct, distinct.size(),
                    (ps, k) -> {
                        ps.setString(1, k);
                        ps.setLong(2, id);
                    });
            return id;
        });
    }

    private long insert(IncomingMessage m, String sha, MessageStatus status, String reason, String key, Long duplicateOf) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO hub_message (partner_id, connector, transport,"
                    + " received_at, control_id, message_type, trigger_event, charset, sha256, size_bytes, raw, status,"
                    + " status_reason, ack_code, error_location, idempotency_key, duplicate_of, replay_of)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", new String[] {"id"});
            int i = 1;
            ps.setString(i++, m.partnerId());
            ps.setString(i++, m.connector());
            ps.setString(i++, m.transport());
            ps.setTimestamp(i++, Timestamp.from(m.receivedAt()));
            ps.setString(i++, truncate(m.controlId(), 199));
            ps.setString(i++, truncate(m.messageType(), 16));
            ps.setString(i++, truncate(m.triggerEvent(), 16));
            ps.setString(i++, truncate(m.charset(), 32));
            ps.setString(i++, sha);
            ps.setInt(i++, m.raw().length);
            // a stream, not setBytes: the PostgreSQL driver copies the array it is given, 1.4 MB more per MSSanté mail
            ps.setBinaryStream(i++, new java.io.ByteArrayInputStream(m.raw()), m.raw().length);
            ps.setString(i++, status.name());
            ps.setString(i++, truncate(reason, 2000));
            ps.setString(i++, m.ackCode());
            ps.setString(i++, truncate(m.errorLocation(), 32));
            ps.setString(i++, key);
            setLong(ps, i++, duplicateOf);
            setLong(ps, i, m.replayOf());
            return ps;
        }, keys);
        return keys.getKey().longValue();
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, java.sql.Types.BIGINT); else ps.setLong(i, v);
    }

    public void event(long messageId, String stage, String detail) {
        jdbc.update("INSERT INTO hub_message_event (message_id, at, stage, detail) VALUES (?,?,?,?)",
                messageId, Timestamp.from(Instant.now()), stage, truncate(detail, 4000));
    }

    public void markStatus(long id, MessageStatus status, String reason) {
        jdbc.update("UPDATE hub_message SET status = ?, status_reason = ? WHERE id = ?", status.name(), truncate(reason, 2000), id);
    }

    /** Applied: one more attempt counted, reason cleared. */
    public void markProcessed(long id, String patientRef) {
        jdbc.update("UPDATE hub_message SET status = ?, status_reason = NULL, processed_at = ?, patient_ref = ?,"
                + " attempts = attempts + 1 WHERE id = ?",
                MessageStatus.PROCESSED.name(), Timestamp.from(Instant.now()), patientRef, id);
    }

    /** Records whom a message is about without changing its status (a held send, found again when the person changes). */
    public void attachPatient(long id, String patientRef) {
        jdbc.update("UPDATE hub_message SET patient_ref = ? WHERE id = ?", patientRef, id);
    }

    /** Ids of the HELD messages of {@code transport} about {@code patientRef}, oldest first. */
    public List<Long> heldIds(String transport, String patientRef) {
        return jdbc.queryForList("SELECT id FROM hub_message WHERE transport = ? AND status = ? AND patient_ref = ? ORDER BY id",
                Long.class, transport, MessageStatus.HELD.name(), patientRef);
    }

    /** The persons that HELD messages of {@code transport} are about. */
    public List<String> heldPatients(String transport) {
        return jdbc.queryForList("SELECT DISTINCT patient_ref FROM hub_message WHERE transport = ? AND status = ?"
                + " AND patient_ref IS NOT NULL", String.class, transport, MessageStatus.HELD.name());
    }

    /** Takes a HELD message for release, once: false when another thread or node took it first. */
    public boolean claimHeld(long id, String reason) {
        return jdbc.update("UPDATE hub_message SET status = ?, status_reason = ? WHERE id = ? AND status = ?",
                MessageStatus.RELEASED.name(), truncate(reason, 2000), id, MessageStatus.HELD.name()) == 1;
    }

    /** Marks a stored message refused after all and frees its idempotency key, so that a resend is taken. */
    public void release(long id, String reason) {
        jdbc.update("UPDATE hub_message SET status = ?, status_reason = ?, ack_code = 'AE', idempotency_key = NULL WHERE id = ?",
                MessageStatus.REJECTED.name(), truncate(reason, 2000), id);
    }

    /** Records that message {@code id} is a copy edited by {@code user} (console edit-and-replay); the original is untouched. */
    public void markEdited(long id, String user) {
        jdbc.update("UPDATE hub_message SET edited_by = ? WHERE id = ?", truncate(user, 50), id);
    }

    /** A failed attempt: status and reason set, attempt counted. */
    public void markFailedAttempt(long id, MessageStatus status, String reason) {
        jdbc.update("UPDATE hub_message SET status = ?, status_reason = ?, attempts = attempts + 1 WHERE id = ?",
                status.name(), truncate(reason, 2000), id);
    }

    /** The message with its raw bytes, in one query (the processing path). */
    public Optional<StoredMessage> findWithRaw(long id) {
        return jdbc.query("SELECT " + COLUMNS + ", raw FROM hub_message WHERE id = ?", (rs, n) -> {
            StoredMessage m = ROW.mapRow(rs, n);
            return new StoredMessage(m.id(), m.partnerId(), m.connector(), m.transport(), m.receivedAt(), m.controlId(),
                    m.messageType(), m.triggerEvent(), m.charset(), m.sha256(), m.sizeBytes(), rs.getBytes("raw"), m.status(),
                    m.statusReason(), m.ackCode(), m.errorLocation(), m.attempts(), m.processedAt(), m.patientRef(),
                    m.duplicateOf(), m.replayOf());
        }, id).stream().findFirst();
    }

    public Optional<StoredMessage> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM hub_message WHERE id = ?", ROW, id).stream().findFirst();
    }

    /** The raw bytes as received; empty when the message is unknown or its raw copy was purged by retention. */
    public Optional<byte[]> raw(long id) {
        return jdbc.query("SELECT raw FROM hub_message WHERE id = ? AND raw_purged_at IS NULL", (rs, n) -> rs.getBytes(1), id)
                .stream().findFirst();
    }

    public List<MessageEvent> events(long messageId) {
        return jdbc.query("SELECT id, message_id, at, stage, detail FROM hub_message_event WHERE message_id = ? ORDER BY id",
                (rs, n) -> new MessageEvent(rs.getLong(1), rs.getLong(2), instant(rs, 3), rs.getString(4), rs.getString(5)),
                messageId);
    }

    /** Newest first. */
    public List<StoredMessage> search(MessageQuery q) {
        return search(q, q.size());
    }

    /**
     * Newest first, at most {@code limit} rows: after {@link MessageQuery#after()} when it is set (keyset: the cost
     * does not grow with depth), else at offset {@code page * size}.
     */
    public List<StoredMessage> search(MessageQuery q, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(where(q, args));
        if (q.after() != null) {
            Timestamp at = Timestamp.from(q.after().receivedAt());
            where.append(where.length() == 0 ? " WHERE " : " AND ").append("(received_at < ? OR (received_at = ? AND id < ?))");
            args.add(at);
            args.add(at);
            args.add(q.after().id());
        }
        args.add(limit);
        String sql = "SELECT " + COLUMNS + " FROM hub_message" + where + " ORDER BY received_at DESC, id DESC LIMIT ?";
        if (q.after() == null) {
            sql += " OFFSET ?";
            args.add((long) q.page() * q.size());
        }
        return jdbc.query(sql, ROW, args.toArray());
    }

    public long count(MessageQuery q) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        return jdbc.queryForObject("SELECT COUNT(*) FROM hub_message" + where, Long.class, args.toArray());
    }

    /** Ids of the messages matching a query, oldest first, for bulk replay. */
    public List<Long> ids(MessageQuery q, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        args.add(limit);
        return jdbc.queryForList("SELECT id FROM hub_message" + where + " ORDER BY received_at, id LIMIT ?", Long.class,
                args.toArray());
    }

    /**
     * HL7 messages acknowledged but not yet processed, e.g. after a crash between store and queue: to be re-queued.
     * Mail ({@code mssante*} transports) has its own queue and recovery ({@link #pendingIds(String, Instant, long, int)}),
     * outbound messages ({@code out-*}) theirs (fr.crt.hub.outbound.OutboundRecovery); TDDUI bundles ({@code tddui})
     * are handled within their HTTP call, never queued (one left QUEUED by a crash is replayed by an operator).
     */
    public List<Long> pendingIds(Instant receivedBefore, long afterId, int limit) {
        return jdbc.queryForList("SELECT id FROM hub_message WHERE status IN ('QUEUED','RETRYING') AND received_at < ?"
                + " AND transport NOT LIKE 'mssante%' AND transport NOT LIKE 'out-%' AND transport <> 'tddui' AND id > ?"
                + " ORDER BY id LIMIT ?", Long.class, Timestamp.from(receivedBefore),
                afterId, limit);
    }

    /** Messages of one transport stored but not yet processed (QUEUED or RETRYING), oldest first. */
    public List<Long> pendingIds(String transport, Instant receivedBefore, long afterId, int limit) {
        return jdbc.queryForList("SELECT id FROM hub_message WHERE status IN ('QUEUED','RETRYING') AND transport = ?"
                + " AND received_at < ? AND id > ? ORDER BY id LIMIT ?", Long.class, transport, Timestamp.from(receivedBefore),
                afterId, limit);
    }

    /** The first (non-duplicate) message of a transport with this control id, e.g. a sent mail by its Message-ID. */
    public Optional<StoredMessage> findByControlId(String transport, String controlId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM hub_message WHERE transport = ? AND control_id = ? AND status <> 'DUPLICATE'"
                + " ORDER BY id LIMIT 1", ROW, transport, controlId).stream().findFirst();
    }

    public long countByStatus(MessageStatus status) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE status = ?", Long.class, status.name());
    }

    private static String where(MessageQuery q, List<Object> args) {
        StringBuilder sb = new StringBuilder();
        add(sb, args, "partner_id = ?", q.partnerId());
        add(sb, args, "connector = ?", q.connector());
        add(sb, args, "message_type = ?", q.messageType());
        add(sb, args, "trigger_event = ?", q.triggerEvent());
        add(sb, args, "status = ?", q.status() == null ? null : q.status().name());
        add(sb, args, "received_at >= ?", q.from() == null ? null : Timestamp.from(q.from()));
        add(sb, args, "received_at < ?", q.to() == null ? null : Timestamp.from(q.to()));
        add(sb, args, "control_id = ?", q.controlId());
        add(sb, args, "patient_ref = ?", q.patientRef());
        if (q.patientKeys() != null) {
            // no key (an identifier nobody was ever keyed under) matches nothing, not everything
            String marks = q.patientKeys().isEmpty() ? "NULL" : String.join(",", java.util.Collections.nCopies(q.patientKeys().size(), "?"));
            sb.append(sb.length() == 0 ? " WHERE " : " AND ")
                    .append("id IN (SELECT message_id FROM hub_message_patient WHERE id_key IN (").append(marks).append("))");
            args.addAll(q.patientKeys());
        }
        return sb.toString();
    }

    private static void add(StringBuilder sb, List<Object> args, String clause, Object value) {
        if (value == null) return;
        sb.append(sb.length() == 0 ? " WHERE " : " AND ").append(clause);
        args.add(value);
    }

    private static final RowMapper<StoredMessage> ROW = (rs, n) -> new StoredMessage(
            rs.getLong("id"), rs.getString("partner_id"), rs.getString("connector"), rs.getString("transport"),
            instant(rs, "received_at"), rs.getString("control_id"), rs.getString("message_type"),
            rs.getString("trigger_event"), rs.getString("charset"), rs.getString("sha256"), rs.getInt("size_bytes"), null,
            MessageStatus.valueOf(rs.getString("status")), rs.getString("status_reason"), rs.getString("ack_code"),
            rs.getString("error_location"), rs.getInt("attempts"), instant(rs, "processed_at"), rs.getString("patient_ref"),
            (Long) rs.getObject("duplicate_of", Long.class), (Long) rs.getObject("replay_of", Long.class));

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
