package fr.crt.hub.outbound;

import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Delivers one queued outbound message ({@code routes/partner-outbound.yaml}, one consumer per partner).
 *
 * <p>Order: the pending messages of the same partner and person stored before this one go first (one stored but not
 * queued in a crash, or queued again by the recovery, cannot be overtaken). Retries happen in place, with capped
 * exponential backoff ({@link OutboundProperties#backoff}): the partner's consumer waits, so no later message of the
 * same person overtakes the failing one; only this partner waits, the others have their own queue and consumer. A
 * definitive refusal (AR, HTTP 4xx) or a message older than {@code hub.outbound.max-age} (or past
 * {@code max-attempts}) goes to DEAD_LETTER with the reason, and the next message goes on.
 */
@Component("outboundDelivery")
public class OutboundDelivery {

    private static final Logger log = LoggerFactory.getLogger(OutboundDelivery.class);

    private final OutboundStore store;
    private final MessageStore messages;
    private final OutboundPartners partners;
    private final OutboundProperties props;
    private final OutboundMetrics metrics;
    private final MllpPartnerSender mllp;
    private final FhirPartnerSender fhir;
    private final FileDropSender file;
    private final CountDownLatch stopping = new CountDownLatch(1);

    public OutboundDelivery(OutboundStore store, MessageStore messages, OutboundPartners partners, OutboundProperties props,
                            OutboundMetrics metrics, MllpPartnerSender mllp, FhirPartnerSender fhir, FileDropSender file) {
        this.store = store;
        this.messages = messages;
        this.partners = partners;
        this.props = props;
        this.metrics = metrics;
        this.mllp = mllp;
        this.fhir = fhir;
        this.file = file;
    }

    /** Route step: body = the stored message id. Throws only when the hub stops mid-wait (the queue keeps the message). */
    public void deliver(Long id) throws InterruptedException {
        var m = store.pending(id).orElse(null);
        if (m == null) return; // delivered, dead-lettered or held meanwhile (e.g. a duplicate queue entry)
        for (Long earlier : store.pendingBefore(m.partnerId(), m.patientRef(), id)) deliverOne(earlier);
        deliverOne(id);
    }

    void deliverOne(long id) throws InterruptedException {
        while (true) {
            var m = store.pending(id).orElse(null);
            if (m == null) return;
            PartnerOutbound p = partners.byId(m.partnerId()).filter(PartnerOutbound::enabled).orElse(null);
            if (p == null) {
                messages.markStatus(id, MessageStatus.HELD, "outbound side of " + m.partnerId()
                        + " not declared or disabled: replay the message once it is back");
                messages.event(id, "HELD", "partner outbound disabled");
                metrics.outcome(m.partnerId(), "held");
                return;
            }
            StoredMessage sm = messages.findWithRaw(id).orElseThrow();
            DeliveryOutcome o = sender(p).send(p, id, sm.controlId(), sm.raw());
            int attempts = m.attempts() + 1;
            switch (o.result()) {
                case DELIVERED -> {
                    store.delivered(id, o.ackCode());
                    messages.event(id, "DELIVERED", (o.ackCode() == null ? "" : "ACK " + o.ackCode() + ", ") + "attempt " + attempts);
                    metrics.outcome(p.id(), "delivered");
                    log.info("outbound message {} delivered to {} (attempt {})", id, p.id(), attempts);
                    return;
                }
                case REFUSED -> {
                    messages.markFailedAttempt(id, MessageStatus.DEAD_LETTER, o.reason());
                    messages.event(id, "DEAD_LETTER", "refused by the partner");
                    metrics.outcome(p.id(), "refused");
                    log.warn("outbound message {} refused by {}: dead letter", id, p.id());
                    return;
                }
                case RETRY -> {
                    boolean tooOld = Duration.between(m.builtAt(), Instant.now()).compareTo(props.maxAge()) > 0;
                    boolean tooMany = props.maxAttempts() > 0 && attempts >= props.maxAttempts();
                    if (tooOld || tooMany) {
                        messages.markFailedAttempt(id, MessageStatus.DEAD_LETTER, "gave up after " + attempts + " attempts"
                                + (tooOld ? " (older than " + props.maxAge() + ")" : "") + ": " + o.reason());
                        messages.event(id, "DEAD_LETTER", "retries exhausted");
                        metrics.outcome(p.id(), "expired");
                        log.warn("outbound message {} to {}: retries exhausted after {} attempts, dead letter", id, p.id(), attempts);
                        return;
                    }
                    messages.markFailedAttempt(id, MessageStatus.RETRYING, o.reason());
                    // a stage per attempt would flood the history of a long outage: the first ones, then one in 20
                    if (attempts <= 3 || attempts % 20 == 0) messages.event(id, "RETRY", "attempt " + attempts + " failed");
                    metrics.outcome(p.id(), "retry");
                    Duration wait = props.backoff(attempts);
                    log.warn("outbound message {} to {}: attempt {} failed ({}), next in {} ms", id, p.id(), attempts,
                            o.result(), wait.toMillis());
                    if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("hub stopping: outbound message " + id + " stays queued");
                    }
                }
            }
        }
    }

    private PartnerSender sender(PartnerOutbound p) {
        return switch (p.transport()) {
            case MLLP -> mllp;
            case FHIR -> fhir;
            case FILE -> file;
        };
    }

    /** Wakes the waiting consumers when the hub stops, so that shutdown is not held by a backoff. */
    @EventListener(ContextClosedEvent.class)
    public void stop() {
        stopping.countDown();
    }
}
