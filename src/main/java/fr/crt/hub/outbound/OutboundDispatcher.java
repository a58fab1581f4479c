package fr.crt.hub.outbound;

import fr.crt.hub.access.CircleJoined;
import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalChanged;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.PatientKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * When canonical data about a person changed (after the commit), builds one message per recipient partner in its own
 * format, stores it (QUEUED, the exact bytes to send) and only then puts its id on the partner's durable queue, in
 * the partner+person message group. Idempotent per (partner, source message): a change seen twice (redelivery after a
 * crash) is built once. A message stored but not queued (queue down, crash) is delivered before the next message of
 * the same person, or re-queued at start ({@link OutboundRecovery}).
 */
@Component
public class OutboundDispatcher {

    private static final Logger log = LoggerFactory.getLogger(OutboundDispatcher.class);

    private final OutboundProperties props;
    private final OutboundRecipients recipients;
    private final ChangeReader reader;
    private final PamFrOutboundMapper pamFr;
    private final TdduiOutboundBundleWriter tddui;
    private final OutboundStore store;
    private final MessageStore messages;
    private final PatientKeys patientKeys;
    private final OutboundPartners partners;
    private final ProducerTemplate producer;
    private final OutboundMetrics metrics;
    private final AuditTrail audit;
    /** Own transactions: after the commit, the finished transaction is still bound to the thread but cannot be used. */
    private final TransactionTemplate fresh;

    public OutboundDispatcher(OutboundProperties props, OutboundRecipients recipients, ChangeReader reader,
                              PamFrOutboundMapper pamFr, TdduiOutboundBundleWriter tddui, OutboundStore store,
                              MessageStore messages, PatientKeys patientKeys, OutboundPartners partners,
                              ProducerTemplate producer, OutboundMetrics metrics, AuditTrail audit,
                              PlatformTransactionManager transactionManager) {
        this.audit = audit;
        this.fresh = new TransactionTemplate(transactionManager);
        this.fresh.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.props = props;
        this.recipients = recipients;
        this.reader = reader;
        this.pamFr = pamFr;
        this.tddui = tddui;
        this.store = store;
        this.messages = messages;
        this.patientKeys = patientKeys;
        this.partners = partners;
        this.producer = producer;
        this.metrics = metrics;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void onChange(CanonicalChanged change) {
        if (!props.enabled() || change.patientRef() == null) return;
        dispatchLogged(change, null);
    }

    /**
     * A structure joined the person's circle: it is sent what it may know of the person now (A28 and current state),
     * as the first message of its own, instead of waiting for the next change.
     */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void onJoin(CircleJoined joined) {
        if (!props.enabled() || joined.patientRef() == null || !"organization".equals(joined.memberType())) return;
        dispatchLogged(new CanonicalChanged(joined.patientRef(), joined.originConnectorId(), null), joined.memberId());
    }

    private void dispatchLogged(CanonicalChanged change, String onlyFiness) {
        try {
            dispatch(change, onlyFiness);
        } catch (RuntimeException e) {
            // after the commit nothing can be rolled back: say which change was not dispatched (ids only)
            log.error("outbound: change {} of message {} not dispatched: {}", change.patientRef(), change.sourceMessageId(),
                    e.getClass().getSimpleName());
            metrics.outcome("none", "dispatch_failed");
        }
    }

    /** A message stored for a partner, to be queued once its row is committed. */
    private record Stored(PartnerOutbound partner, long id, String patientRef) {}

    void dispatch(CanonicalChanged change) {
        dispatch(change, null);
    }

    void dispatch(CanonicalChanged change, String onlyFiness) {
        // built and stored in one transaction of its own, committed before any id reaches a queue
        List<Stored> stored = fresh.execute(s -> build(change, onlyFiness));
        for (Stored m : stored) queue(m.partner(), m.id(), m.patientRef());
    }

    private List<Stored> build(CanonicalChanged change, String onlyFiness) {
        if (change.isMerge()) return buildMerge(change);
        List<Stored> out = new ArrayList<>();
        OutboundRecipients.Recipients found = recipients.of(change.patientRef(), change.originConnectorId(), onlyFiness);
        for (String partnerId : found.opposed()) withheld(partnerId, change);
        List<OutboundRecipients.Recipient> to = found.to();
        if (to.isEmpty()) return out;
        Optional<ChangeSnapshot> read = reader.read(change.patientRef(), change.sourceMessageId());
        if (read.isEmpty()) return out;
        ChangeSnapshot snap = read.get();
        // a record merged away is no one's any more: partners were told of the merge, its changes are the survivor's
        if (retired(snap.patient())) return out;
        List<String> keys = keys(snap.patient());
        for (OutboundRecipients.Recipient r : to) {
            PartnerOutbound p = r.partner();
            String key = change.sourceMessageId() == null ? null : "out|" + p.id() + "|" + change.sourceMessageId();
            if (key != null && store.exists(key)) continue;
            if (!r.kinds().contains("identity") && !snap.hasStay()) continue; // stays only, and no stay changed
            String controlId = controlId();
            Date now = new Date();
            if (p.hl7()) {
                String trigger = PamFrOutboundMapper.trigger(snap, r.kinds().contains("stays"), store.knownTo(p.id(), snap.patientRef()));
                byte[] raw = pamFr.build(p, snap, r.kinds(), trigger, controlId, now).getBytes(StandardCharsets.UTF_8);
                stored(p, r, change, snap.patientRef(), null, key, controlId, "ADT", trigger, raw, keys).ifPresent(out::add);
            } else {
                byte[] raw = tddui.json(tddui.bundle(p, snap, r.kinds(), controlId, now)).getBytes(StandardCharsets.UTF_8);
                stored(p, r, change, snap.patientRef(), null, key, controlId, "Bundle", "transaction", raw, keys).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * A merge (PAM-FR A40 applied, or a vigilance task resolved with MERGE), told to the partners of either person's
     * circle that subscribe to identity and may read it:
     * <ul>
     *   <li>a partner that knew the merged-away record (it was sent something about it, or its own IPP is on it) gets
     *       the merge: ADT^A40 (PID the survivor, MRG the merged record) or a TDDUI Bundle with both Patients linked
     *       replaces / replaced-by;</li>
     *   <li>a partner that never heard of the merged-away record gets the survivor as any identity change: A28 / an
     *       identity Bundle if the survivor is new to it, A31 / an identity Bundle if the merge changed the survivor's
     *       identity, and nothing when nothing it knows changed;</li>
     *   <li>stays-only partners get nothing (a merge is identity news); the stays moved to the survivor travel with
     *       their next change.</li>
     * </ul>
     * The message is stored about the survivor and names the merged-away person too, so that it never overtakes an
     * earlier message about either ({@link OutboundStore#pendingBefore}). Oppositions recorded on either record apply.
     */
    private List<Stored> buildMerge(CanonicalChanged change) {
        List<Stored> out = new ArrayList<>();
        OutboundRecipients.Recipients found = recipients.ofMerge(change.patientRef(), change.mergedRef(), change.originConnectorId());
        for (String partnerId : found.opposed()) withheld(partnerId, change);
        if (found.to().isEmpty()) return out;
        Optional<ChangeSnapshot> read = reader.read(change.patientRef(), change.sourceMessageId(), change.mergedRef());
        if (read.isEmpty()) return out;
        ChangeSnapshot snap = read.get();
        ChangeSnapshot.Merge merge = snap.merge();
        ChangeSnapshot survivorOnly = snap.identityOnly();
        List<String> keys = keys(snap.patient());
        if (merge != null) keys.addAll(keys(merge.merged()));
        for (OutboundRecipients.Recipient r : found.to()) {
            PartnerOutbound p = r.partner();
            if (!r.kinds().contains("identity")) continue;
            String key = "out|" + p.id() + "|" + (change.sourceMessageId() != null ? change.sourceMessageId()
                    : "merge|" + change.mergedRef());
            if (store.exists(key)) continue;
            boolean knewMerged = merge != null && (store.knownTo(p.id(), merge.mergedRef()) || holdsOwnIpp(p, merge.merged()));
            boolean knowsSurvivor = store.knownTo(p.id(), snap.patientRef());
            String controlId = controlId();
            Date now = new Date();
            if (knewMerged) {
                byte[] raw = p.hl7()
                        ? pamFr.build(p, snap, r.kinds(), PamFrOutboundMapper.MERGE, controlId, now).getBytes(StandardCharsets.UTF_8)
                        : tddui.json(tddui.mergeBundle(p, snap, controlId, now)).getBytes(StandardCharsets.UTF_8);
                stored(p, r, change, snap.patientRef(), merge.mergedRef(), key, controlId, p.hl7() ? "ADT" : "Bundle",
                        p.hl7() ? PamFrOutboundMapper.MERGE : "merge", raw, keys).ifPresent(out::add);
            } else if (!knowsSurvivor || merge == null || merge.survivorChanged()) {
                byte[] raw;
                String trigger;
                if (p.hl7()) {
                    trigger = knowsSurvivor ? "A31" : "A28";
                    raw = pamFr.build(p, survivorOnly, r.kinds(), trigger, controlId, now).getBytes(StandardCharsets.UTF_8);
                } else {
                    trigger = "transaction";
                    raw = tddui.json(tddui.bundle(p, survivorOnly, r.kinds(), controlId, now)).getBytes(StandardCharsets.UTF_8);
                }
                stored(p, r, change, snap.patientRef(), null, key, controlId, p.hl7() ? "ADT" : "Bundle", trigger, raw, keys)
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    /** Stores one built message QUEUED, with its first stage; empty when another thread stored the same key first. */
    private Optional<Stored> stored(PartnerOutbound p, OutboundRecipients.Recipient r, CanonicalChanged change, String patientRef,
                                    String mergedRef, String key, String controlId, String type, String trigger, byte[] raw,
                                    List<String> keys) {
        Optional<Long> id = store.record(p, patientRef, mergedRef, key, controlId, type, trigger, raw, keys, null,
                MessageStatus.QUEUED, null);
        if (id.isEmpty()) return Optional.empty();
        messages.event(id.get(), "BUILT", type + (p.hl7() ? "^" + trigger : "") + " for " + p.id() + " (" + String.join(", ", r.kinds())
                + ") from " + (change.sourceMessageId() == null ? (change.isMerge() ? "a merge" : "a change")
                : "message " + change.sourceMessageId())
                + (change.originConnectorId() == null ? "" : " of " + change.originConnectorId()));
        metrics.outcome(p.id(), "queued");
        return Optional.of(new Stored(p, id.get(), patientRef));
    }

    /** Whether the record carries the partner's own IPP: the partner knows it, even if the hub never sent it. */
    private static boolean holdsOwnIpp(PartnerOutbound p, Patient record) {
        String ipp = p.connector().patientIdSystem();
        return ipp != null && record.getIdentifier().stream().anyMatch(i -> ("urn:oid:" + ipp).equals(i.getSystem()) && i.hasValue());
    }

    /** Merged away: inactive and replaced-by another record. */
    static boolean retired(Patient p) {
        return p.hasActive() && !p.getActive()
                && p.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY);
    }

    /**
     * The person opposed a structure of the circle: nothing is built for it, and the decision is audited (as a refused
     * read through the API would be), once per change.
     */
    private void withheld(String partnerId, CanonicalChanged change) {
        metrics.outcome(partnerId, "opposed");
        audit.record(new AuditRecord("E", "outbound-withheld", AuditRecord.SYSTEM_ACTOR, null, change.patientRef(),
                "connector/" + partnerId, AuditRecord.Outcome.MINOR_FAILURE,
                "not sent to " + partnerId + ": the person opposes this structure"
                        + (change.sourceMessageId() == null ? "" : " (change of message " + change.sourceMessageId() + ")")));
    }

    /** Puts a stored message on its partner's queue; a failure leaves it QUEUED in the store (delivered later). */
    public void queue(PartnerOutbound p, long id, String patientRef) {
        try {
            partners.ensureRoute(p);
            producer.sendBodyAndHeader("jms:queue:" + p.queue(), id, "JMSXGroupID", group(p.id(), patientRef));
            fresh.executeWithoutResult(s -> messages.event(id, "QUEUED", p.queue()));
        } catch (RuntimeException e) {
            log.warn("outbound message {} for {} stored but not queued ({}): sent with the person's next message or at"
                    + " restart", id, p.id(), e.getClass().getSimpleName());
        }
    }

    /** Partner + person message group; hashed, as no identifier may show in the broker's consoles or logs. */
    static String group(String partnerId, String patientRef) {
        return "out|" + partnerId + "|" + MessageStore.sha256(String.valueOf(patientRef).getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);
    }

    private List<String> keys(Patient p) {
        List<String> out = new ArrayList<>();
        for (Identifier id : p.getIdentifier()) {
            if (id.hasSystem() && id.hasValue()) {
                try {
                    out.add(patientKeys.key(id.getSystem(), id.getValue()));
                } catch (IllegalArgumentException ignored) {
                    // not keyable: not searchable by it
                }
            }
        }
        return out;
    }

    /** 20 characters at most (HL7 v2.5 MSH-10): time in base 36 and a random part. */
    static String controlId() {
        String t = Long.toString(System.currentTimeMillis(), 36).toUpperCase(Locale.ROOT);
        String r = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36 * 36 * 36), 36)
                .toUpperCase(Locale.ROOT);
        return "O" + t + "0".repeat(8 - r.length()) + r;
    }
}
