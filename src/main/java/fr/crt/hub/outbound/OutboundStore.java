package fr.crt.hub.outbound;

import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Outbound messages in the message store ({@code hub_message}): one row per message built for one partner, transport
 * {@code out-mllp | out-fhir | out-file} (the outbound marker: inbound recovery and replay leave these rows alone),
 * {@code partner_id} = the recipient connector, {@code patient_ref} = the person, raw = exactly the bytes sent;
 * a merge message also names the merged-away person ({@code merged_patient_ref}), as it concerns both.
 * Statuses: QUEUED (stored, on the partner's queue), RETRYING, DELIVERED (ACK AA, HTTP 2xx, file written),
 * DEAD_LETTER (refused, or retried for too long), HELD (the partner's outbound side is switched off).
 */
@Repository
public class OutboundStore {

    public static final String TRANSPORT_PREFIX = "out-";
    static final String PENDING = "status IN ('QUEUED','RETRYING')";
    static final String OUT = "transport LIKE 'out-%'";

    private final MessageStore store;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public OutboundStore(MessageStore store, JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.store = store;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** One pending message to deliver, as the delivery loop needs it. */
    public record Pending(long id, String partnerId, String patientRef, Instant builtAt, int attempts) {}

    /** Whether a message for this partner was already built from this key (a change delivered twice by the queue). */
    public boolean exists(String idempotencyKey) {
        return !jdbc.queryForList("SELECT id FROM hub_message WHERE idempotency_key = ?", Long.class, idempotencyKey).isEmpty();
    }

    /**
     * Stores a built message QUEUED (or {@code status}), with its person and patient search keys, in one transaction;
     * empty when another thread stored the same key first.
     */
    public Optional<Long> record(PartnerOutbound p, String patientRef, String idempotencyKey, String controlId, String type,
                                 String trigger, byte[] raw, Collection<String> patientKeys, Long replayOf, MessageStatus status,
                                 String reason) {
        return record(p, patientRef, null, idempotencyKey, controlId, type, trigger, raw, patientKeys, replayOf, status, reason);
    }

    /** As above, for a message about a merge: {@code mergedRef} is the person merged into {@code patientRef}. */
    public Optional<Long> record(PartnerOutbound p, String patientRef, String mergedRef, String idempotencyKey, String controlId,
                                 String type, String trigger, byte[] raw, Collection<String> patientKeys, Long replayOf,
                                 MessageStatus status, String reason) {
        return tx.execute(t -> {
            IncomingMessage m = new IncomingMessage(p.id(), p.id(), p.storeTransport(), Instant.now(), controlId, type, trigger,
                    "UTF-8", raw, status, reason, null, null, idempotencyKey, replayOf);
            MessageStore.Stored s = idempotencyKey == null ? store.store(m, patientKeys) : storeByKey(m, patientKeys);
            if (s.duplicate()) return Optional.<Long>empty();
            jdbc.update("UPDATE hub_message SET patient_ref = ?, merged_patient_ref = ? WHERE id = ?", patientRef, mergedRef,
                    s.id());
            return Optional.of(s.id());
        });
    }

    private MessageStore.Stored storeByKey(IncomingMessage m, Collection<String> patientKeys) {
        MessageStore.Stored s = store.storeByKey(m);
        if (!s.duplicate() && patientKeys != null) {
            List<String> keys = patientKeys.stream().distinct().toList();
            jdbc.batchUpdate("INSERT INTO hub_message_patient (id_key, message_id) VALUES (?,?)", keys, keys.size(), (ps, k) -> {
                ps.setString(1, k);
                ps.setLong(2, s.id());
            });
        }
        return s;
    }

    public Optional<Pending> pending(long id) {
        return jdbc.query("SELECT id, partner_id, patient_ref, received_at, attempts FROM hub_message WHERE id = ? AND " + OUT
                + " AND " + PENDING, (rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getTimestamp(4).toInstant(), rs.getInt(5)), id).stream().findFirst();
    }

    /**
     * Pending messages of this partner built before {@code id} about the person of message {@code id}, oldest first:
     * they go first. A merge message concerns two persons: the earlier messages about either go first, and a later
     * message about either waits for the merge (found through the merge's {@code merged_patient_ref}); followed from
     * merge to merge, so a chain of merges keeps every person's order.
     */
    public List<Long> pendingBefore(String partnerId, String patientRef, long id) {
        if (patientRef == null) return List.of();
        java.util.Set<String> persons = new java.util.LinkedHashSet<>();
        persons.add(patientRef);
        mergedRef(id).ifPresent(persons::add);
        java.util.Set<String> asked = new java.util.HashSet<>();
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(persons);
        while (!todo.isEmpty()) {
            String person = todo.poll();
            if (!asked.add(person)) continue;
            // two indexed lookups rather than one OR: each stays on its own index
            for (String sql : List.of("SELECT id, patient_ref, merged_patient_ref FROM hub_message WHERE partner_id = ? AND"
                    + " patient_ref = ? AND id < ? AND " + OUT + " AND " + PENDING,
                    "SELECT id, patient_ref, merged_patient_ref FROM hub_message WHERE merged_patient_ref = ? AND"
                    + " partner_id = ? AND id < ? AND " + OUT + " AND " + PENDING)) {
                Object[] args = sql.contains("WHERE partner_id") ? new Object[] {partnerId, person, id}
                        : new Object[] {person, partnerId, id};
                jdbc.query(sql, rs -> {
                    out.add(rs.getLong(1));
                    for (String other : new String[] {rs.getString(2), rs.getString(3)}) {
                        if (other != null && !asked.contains(other)) todo.add(other);
                    }
                }, args);
            }
        }
        return List.copyOf(out);
    }

    /** The person a merge message merged away, if message {@code id} is one. */
    public Optional<String> mergedRef(long id) {
        return jdbc.queryForList("SELECT merged_patient_ref FROM hub_message WHERE id = ?", String.class, id).stream()
                .filter(java.util.Objects::nonNull).findFirst();
    }

    /** Every pending outbound message stored before {@code before}, oldest first (recovery at start). */
    public List<Pending> allPending(Instant before, long afterId, int limit) {
        return jdbc.query("SELECT id, partner_id, patient_ref, received_at, attempts FROM hub_message WHERE " + OUT + " AND "
                + PENDING + " AND received_at < ? AND id > ? ORDER BY id LIMIT ?", (rs, n) -> new Pending(rs.getLong(1),
                rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getInt(5)),
                Timestamp.from(before), afterId, limit);
    }

    /** Whether this partner was ever sent (or is being sent) something about this person: A28 first, then A31. */
    public boolean knownTo(String partnerId, String patientRef) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE partner_id = ? AND patient_ref = ? AND " + OUT
                + " AND status <> 'DUPLICATE'", Long.class, partnerId, patientRef);
        return n != null && n > 0;
    }

    /** Messages waiting for one partner (QUEUED or RETRYING): its queue depth as the store sees it. */
    public long pendingCount(String partnerId) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE partner_id = ? AND " + OUT + " AND " + PENDING,
                Long.class, partnerId);
        return n == null ? 0 : n;
    }

    /** Outbound messages, newest first, optionally of one partner and one status. */
    public List<java.util.Map<String, Object>> list(String partnerId, MessageStatus status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, partner_id, transport, received_at, control_id, message_type,"
                + " trigger_event, status, status_reason, attempts, processed_at, replay_of FROM hub_message WHERE " + OUT);
        List<Object> args = new java.util.ArrayList<>();
        if (partnerId != null) {
            sql.append(" AND partner_id = ?");
            args.add(partnerId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.name());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("id", rs.getLong("id"));
            row.put("partner", rs.getString("partner_id"));
            row.put("transport", rs.getString("transport"));
            row.put("builtAt", rs.getTimestamp("received_at").toInstant().toString());
            row.put("controlId", rs.getString("control_id"));
            row.put("type", rs.getString("message_type"));
            row.put("trigger", rs.getString("trigger_event"));
            row.put("status", rs.getString("status"));
            row.put("reason", rs.getString("status_reason"));
            row.put("attempts", rs.getInt("attempts"));
            Timestamp done = rs.getTimestamp("processed_at");
            row.put("deliveredAt", done == null ? null : done.toInstant().toString());
            row.put("replayOf", rs.getObject("replay_of"));
            return row;
        }, args.toArray());
    }

    /** Delivered: final status, time, one more attempt counted. */
    public void delivered(long id, String ackCode) {
        jdbc.update("UPDATE hub_message SET status = 'DELIVERED', status_reason = NULL, ack_code = ?, processed_at = ?,"
                + " attempts = attempts + 1 WHERE id = ?", ackCode, Timestamp.from(Instant.now()), id);
    }
}
