package fr.crt.hub.dui;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.fhir.WriteResult;
import fr.crt.hub.identity.IdentityCheckService;
import fr.crt.hub.identity.InsProperties;
import fr.crt.hub.indicators.HubMetrics;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Applies one queued PAM-FR message to the canonical FHIR repository ({@code routes/dui-adt-processing.yaml}).
 * Reads the raw bytes back from the store, so what is applied is exactly what was acknowledged; safe to run
 * twice for the same message (at-least-once queue, effectively-once result).
 */
@Component("adtProcessor")
public class AdtProcessor {

    private static final Logger log = LoggerFactory.getLogger(AdtProcessor.class);

    private final MessageStore store;
    private final ConnectorRegistry connectors;
    private final PamFrAdtMapper mapper;
    private final CanonicalWriter writer;
    private final InsProperties ins;
    private final HubMetrics metrics;
    private final IdentityCheckService identityChecks;

    public AdtProcessor(MessageStore store, ConnectorRegistry connectors, PamFrAdtMapper mapper, CanonicalWriter writer,
                        InsProperties ins, HubMetrics metrics, IdentityCheckService identityChecks) {
        this.store = store;
        this.connectors = connectors;
        this.mapper = mapper;
        this.writer = writer;
        this.ins = ins;
        this.metrics = metrics;
        this.identityChecks = identityChecks;
    }

    public void process(long messageId) throws Exception {
        StoredMessage m = store.findWithRaw(messageId).orElse(null);
        if (m == null) {
            log.warn("queued message {} not in the store: skipped", messageId);
            return;
        }
        if (m.status() == MessageStatus.PROCESSED) {
            log.debug("message {} already processed: skipped", messageId);
            return;
        }
        Connector partner = connectors.byId(m.partnerId()).orElseThrow(() -> new MessageRejectedException("MSH-3",
                MessageRejectedException.TABLE_VALUE_NOT_FOUND, true, "partner " + m.partnerId() + " no longer declared"));
        byte[] raw = m.raw();
        Charset charset = m.charset() == null ? StandardCharsets.UTF_8 : Charset.forName(m.charset());
        var parsed = Hl7Parsing.parse(Hl7Charsets.decode(raw, charset));
        AdtMapping mapping = mapper.map(parsed, partner, ins.acceptTestOids());
        WriteResult result = writer.apply(mapping, partner, messageId, m.controlId());
        // Identity vigilance (INSi check, duplicates) runs later from a durable table: one insert here, idempotent per
        // message, before markProcessed so that a crash in between asks again on redelivery (the apply replays).
        identityChecks.requestCheck(result.patientId(), messageId);
        store.markProcessed(messageId, result.patientId());
        store.event(messageId, "WRITTEN", String.join(", ", result.written()));
        metrics.processed(partner.id(), m.triggerEvent(), Duration.between(m.receivedAt(), Instant.now()).toMillis());
        log.info("message {} from {} ({}) applied: {} resources", messageId, partner.id(), m.triggerEvent(),
                result.written().size());
    }
}
