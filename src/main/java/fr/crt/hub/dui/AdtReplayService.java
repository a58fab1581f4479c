package fr.crt.hub.dui;

import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Replays stored messages. A replay never alters the original: it stores a copy linked to it
 * ({@code replay_of}), runs it through the same checks as a new message (so a fixed connector file or
 * mapping applies) and queues it. Bulk replays run in the background and report their progress.
 */
@Service
public class AdtReplayService {

    private static final Logger log = LoggerFactory.getLogger(AdtReplayService.class);
    private static final int MAX_BULK = 100_000;

    private final MessageStore store;
    private final AdtInboundInspector inspector;
    private final ProducerTemplate producer;
    private final String queueUri;
    private final Map<String, ReplayJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bulk-replay");
        t.setDaemon(true);
        return t;
    });

    private final PatientKeyExtractor patientKeys;
    private final org.springframework.beans.factory.ObjectProvider<fr.crt.hub.tddui.TdduiIntake> tddui;

    public AdtReplayService(MessageStore store, AdtInboundInspector inspector, ProducerTemplate producer,
                            @Value("jms:queue:${hub.queues.adt:hub.adt.inbound}") String queueUri,
                            PatientKeyExtractor patientKeys,
                            org.springframework.beans.factory.ObjectProvider<fr.crt.hub.tddui.TdduiIntake> tddui) {
        this.patientKeys = patientKeys;
        this.tddui = tddui;
        this.store = store;
        this.inspector = inspector;
        this.producer = producer;
        this.queueUri = queueUri;
    }

    /** Outcome of one replay: the new stored message and how it was judged. */
    public record ReplayResult(long originalId, long newId, String ackCode, String reason) {}

    public Optional<ReplayResult> replay(long id) {
        return replay(id, null);
    }

    /** Replays a message, or an edited copy of it when {@code editedRaw} is given (the original is kept). */
    public Optional<ReplayResult> replay(long id, byte[] editedRaw) {
        Optional<StoredMessage> original = store.find(id);
        if (original.isEmpty()) return Optional.empty();
        if (original.get().transport() != null && original.get().transport().startsWith("mssante")) {
            // a mail is not an HL7 message: it would be refused as garbage and its copy stored for nothing
            throw new NotAnHl7MessageException(id);
        }
        if (original.get().transport() != null && original.get().transport().startsWith("out-")) {
            // sent by the hub, not received: replaying it as inbound would apply the hub's own message to itself
            throw new OutboundMessageException(id);
        }
        if (fr.crt.hub.tddui.TdduiIntake.TRANSPORT.equals(original.get().transport())) {
            // a TDDUI Bundle is replayed through its own intake (validation, matrix, mapping), synchronously
            return Optional.of(tddui.getObject().replay(id, editedRaw));
        }
        byte[] raw = editedRaw != null ? editedRaw : store.raw(id).orElseThrow(() -> new RawContentPurgedException(id));
        InboundVerdict v = inspector.inspect(raw);
        String partnerId = v.partner() == null ? null : v.partner().id();
        MessageStore.Stored stored = store.store(new IncomingMessage(partnerId, partnerId, original.get().transport(),
                Instant.now(), v.controlId(), v.messageType(), v.triggerEvent(),
                v.charset() == null ? null : v.charset().name(), raw,
                v.accepted() ? MessageStatus.QUEUED : MessageStatus.REJECTED,
                v.accepted() ? null : v.error().getMessage(), v.ackCode(), v.accepted() ? null : v.error().location(),
                null, id), patientKeys.keys(v.parsed(), v.partner()));
        store.event(stored.id(), "REPLAY", "replay of message " + id + (editedRaw != null ? " (edited)" : ""));
        store.event(id, "REPLAYED", "replayed as message " + stored.id());
        if (v.accepted()) {
            producer.sendBodyAndHeader(queueUri, stored.id(), "JMSXGroupID", PersonOrderGroup.of(v));
        }
        return Optional.of(new ReplayResult(id, stored.id(), v.ackCode(), v.accepted() ? null : v.error().getMessage()));
    }

    /**
     * Re-queues a message already accepted (used after a crash, for messages stored but maybe not queued), in the
     * same person group as at intake so that recovered messages keep each person's order.
     */
    public void requeue(long id) {
        String group = store.raw(id).map(raw -> PersonOrderGroup.of(inspector.inspect(raw))).orElse("recovery|" + id);
        producer.sendBodyAndHeader(queueUri, id, "JMSXGroupID", group);
    }

    public ReplayJob startBulk(MessageQuery filter) {
        return startBulk(store.ids(filter, MAX_BULK));
    }

    /** Bulk replay of the given messages, in this order (e.g. the result of a console search by patient). */
    public ReplayJob startBulk(List<Long> messageIds) {
        List<Long> ids = List.copyOf(messageIds.subList(0, Math.min(messageIds.size(), MAX_BULK)));
        ReplayJob job = new ReplayJob(UUID.randomUUID().toString(), ids.size());
        jobs.put(job.id, job);
        executor.submit(() -> {
            for (Long id : ids) {
                if (job.cancelled.get()) break;
                try {
                    ReplayResult r = replay(id).orElse(null);
                    if (r != null && "AA".equals(r.ackCode())) job.queued.incrementAndGet(); else job.refused.incrementAndGet();
                } catch (RuntimeException e) {
                    job.refused.incrementAndGet();
                    log.warn("bulk replay {}: message {} failed ({})", job.id, id, e.getClass().getSimpleName());
                }
                job.done.incrementAndGet();
            }
            job.finished.set(true);
        });
        return job;
    }

    public Optional<ReplayJob> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** A replay asked for a stored mail: mails are reprocessed through {@code /api/mssante/messages/{id}/reprocess}. */
    public static final class NotAnHl7MessageException extends IllegalStateException {
        public NotAnHl7MessageException(long id) {
            super("message " + id + " is an MSSanté mail, not an HL7 message: reprocess it with POST /api/mssante/messages/"
                    + id + "/reprocess");
        }
    }

    /** A replay asked for a message the hub sent to a partner: {@code POST /api/outbound/messages/{id}/replay}. */
    public static final class OutboundMessageException extends IllegalStateException {
        public OutboundMessageException(long id) {
            super("message " + id + " is an outbound message: send it again with POST /api/outbound/messages/" + id + "/replay");
        }
    }

    /** A replay asked for a message whose raw copy the retention job has purged: nothing to replay. */
    public static final class RawContentPurgedException extends IllegalStateException {
        public RawContentPurgedException(long id) {
            super("message " + id + ": raw content purged by the retention policy, it cannot be replayed");
        }
    }

    /** Progress of a bulk replay. */
    public static final class ReplayJob {
        public final String id;
        public final int total;
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicBoolean finished = new AtomicBoolean();

        ReplayJob(String id, int total) {
            this.id = id;
            this.total = total;
        }

        public void cancel() { cancelled.set(true); }

        public Map<String, Object> view() {
            // finished read first: once it is true the counters read after it are final (a view never says
            // "finished" with counts from before the end)
            boolean isFinished = finished.get();
            return Map.of("id", id, "total", total, "done", done.get(), "queued", queued.get(), "refused", refused.get(),
                    "cancelled", cancelled.get(), "finished", isFinished);
        }
    }
}
