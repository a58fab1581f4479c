package fr.crt.hub.dui;

import fr.crt.hub.connector.ClientCertificate;
import fr.crt.hub.indicators.HubMetrics;
import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.component.mllp.MllpConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * First steps of the inbound ADT flow ({@code routes/dui-adt-inbound.yaml}): decide, store raw, and
 * prepare the ACK. The route sends accepted messages to the durable queue between {@link #receive} and
 * {@link #acknowledge}, so the sender hears AA only once the message is both stored and queued.
 */
@Component("adtInbound")
public class AdtInboundReceiver {

    /** Exchange property holding the {@link InboundVerdict}. */
    public static final String VERDICT = "hubVerdict";
    /** Exchange property: true when the message must go to the processing queue. */
    public static final String ENQUEUE = "hubEnqueue";
    public static final String MESSAGE_ID = "hubMessageId";
    private static final String STARTED = "hubStartedNanos";
    private static final Logger log = LoggerFactory.getLogger(AdtInboundReceiver.class);

    private final AdtInboundInspector inspector;
    private final MessageStore store;
    private final Hl7Acknowledger acknowledger;
    private final HubMetrics metrics;
    private final PatientKeyExtractor patientKeys;

    public AdtInboundReceiver(AdtInboundInspector inspector, MessageStore store, Hl7Acknowledger acknowledger,
                              HubMetrics metrics, PatientKeyExtractor patientKeys) {
        this.inspector = inspector;
        this.store = store;
        this.acknowledger = acknowledger;
        this.metrics = metrics;
        this.patientKeys = patientKeys;
    }

    /** Inspects and stores the message; the body becomes the stored message id. */
    public void receive(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
        byte[] raw = exchange.getIn().getBody(byte[].class);
        if (raw == null) raw = new byte[0];
        Instant receivedAt = Instant.now();
        // Set by camel-mllp only on the TLS listener, from the certificate the handshake verified.
        ClientCertificate presented = ClientCertificate.of(
                exchange.getIn().getHeader(MllpConstants.MLLP_SSL_CLIENT_CERT_SUBJECT_NAME, String.class),
                exchange.getIn().getHeader(MllpConstants.MLLP_SSL_CLIENT_CERT_ISSUER_NAME, String.class),
                exchange.getIn().getHeader(MllpConstants.MLLP_SSL_CLIENT_CERT_SERIAL_NO, String.class));
        InboundVerdict v = inspector.inspect(raw, presented);
        String partnerId = v.partner() == null ? null : v.partner().id();
        String key = v.accepted() ? partnerId + "|" + v.controlId() : null;
        String reason = v.accepted() ? (v.issues().isEmpty() ? null : String.join("; ", v.issues())) : v.error().getMessage();
        MessageStore.Stored stored = store.store(new IncomingMessage(partnerId, partnerId, presented == null ? "mllp" : "mllp-tls", receivedAt, v.controlId(),
                v.messageType(), v.triggerEvent(), v.charset() == null ? null : v.charset().name(), raw,
                v.accepted() ? MessageStatus.QUEUED : MessageStatus.REJECTED, reason, v.ackCode(),
                v.accepted() ? null : v.error().location(), key, null), v.parsed() != null ? patientKeys.keys(v.parsed(), v.partner())
                : patientKeys.keys(raw, v.charset(), v.partner()));
        if (!v.issues().isEmpty()) store.event(stored.id(), "WARNING", String.join("; ", v.issues()));
        metrics.received(partnerId, v.messageType(), v.triggerEvent());
        exchange.setProperty(VERDICT, v);
        exchange.setProperty(MESSAGE_ID, stored.id());
        exchange.setProperty(ENQUEUE, v.accepted() && !stored.duplicate());
        exchange.getIn().setBody(stored.id());
        exchange.getIn().setHeader("JMSXGroupID", PersonOrderGroup.of(v));
        if (stored.duplicate()) {
            log.info("message {} from {} control id {} is a duplicate of {}: acknowledged, not processed again",
                    stored.id(), partnerId, v.controlId(), stored.duplicateOf());
        } else if (!v.accepted()) {
            log.warn("message {} from {} control id {} refused {} at {} (code {})", stored.id(), partnerId, v.controlId(),
                    v.ackCode(), v.error().location(), v.error().errorCode());
        }
        exchange.setProperty("hubRaw", raw);
    }

    /** Puts the ACK where the MLLP consumer sends it from. */
    public void acknowledge(Exchange exchange) {
        InboundVerdict v = exchange.getProperty(VERDICT, InboundVerdict.class);
        byte[] raw = exchange.getProperty("hubRaw", byte[].class);
        byte[] ack = acknowledger.acknowledge(v, raw);
        exchange.setProperty(MllpConstants.MLLP_ACKNOWLEDGEMENT, ack);
        exchange.setProperty(MllpConstants.MLLP_ACKNOWLEDGEMENT_TYPE, v.ackCode());
        Long started = exchange.getProperty(STARTED, Long.class);
        metrics.acked(v.partner() == null ? null : v.partner().id(), v.messageType(), v.ackCode(),
                started == null ? 0 : System.nanoTime() - started);
        exchange.removeProperty("hubRaw");
    }

    /**
     * The queue could not take an accepted message: tell the sender to try again (AE), and free the
     * idempotency key so that its resend is processed rather than taken for a duplicate.
     */
    public void queueUnavailable(Exchange exchange) {
        Long id = exchange.getProperty(MESSAGE_ID, Long.class);
        InboundVerdict v = exchange.getProperty(VERDICT, InboundVerdict.class);
        if (id != null) store.release(id, "durable queue unavailable; sender asked to resend");
        exchange.setProperty(VERDICT, new InboundVerdict(v.partner(), v.parsed(), v.charset(), v.controlId(), v.messageType(),
                v.triggerEvent(), new MessageRejectedException("MSH", MessageRejectedException.APPLICATION_INTERNAL_ERROR, false,
                        "temporarily unable to accept the message, please resend"), v.issues()));
        log.error("message {} could not be queued: {}", id, exchange.getException() == null ? "unknown"
                : exchange.getException().getClass().getSimpleName());
        exchange.setException(null);
    }
}
