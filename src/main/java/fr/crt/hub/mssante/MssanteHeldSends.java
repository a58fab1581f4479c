package fr.crt.hub.mssante;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.crt.hub.fhir.CanonicalChanged;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.MessageStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Sends that were HELD because the person's INS was not qualified go out once it is: when canonical data about the
 * person changes (an identity qualified publishes {@link CanonicalChanged}), and at start for anything a stop left
 * behind. Each held request is taken once (HELD → RELEASED, compare-and-set) and sent again through
 * {@code direct:mssante-send}, so the recipient's role is checked again at that time; the new message is named in
 * the held one's events.
 */
@Component
public class MssanteHeldSends {

    private static final Logger log = LoggerFactory.getLogger(MssanteHeldSends.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageStore store;
    private final CanonicalRepository repo;
    private final PatientIdentity identity;
    private final ProducerTemplate producer;

    public MssanteHeldSends(MessageStore store, CanonicalRepository repo, PatientIdentity identity,
                            ProducerTemplate producer) {
        this.store = store;
        this.repo = repo;
        this.identity = identity;
        this.producer = producer;
    }

    /** What a held row keeps: the request, ids and address only. */
    static byte[] json(SendRequest req) {
        try {
            return JSON.writeValueAsBytes(req);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void onChange(CanonicalChanged change) {
        if (change.patientRef() == null) return;
        try {
            release(change.patientRef());
        } catch (RuntimeException e) {
            // left HELD: taken again at the next change or start
            log.warn("held MSSanté sends of {} not released now: {}", change.patientRef(), e.getClass().getSimpleName());
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void atStart() {
        for (String ref : store.heldPatients(MssanteInbound.TRANSPORT_OUT)) {
            onChange(new CanonicalChanged(ref, null, null));
        }
    }

    /** Sends every held request about {@code patientRef} if the person's INS is now qualified; returns how many. */
    public int release(String patientRef) {
        List<Long> held = store.heldIds(MssanteInbound.TRANSPORT_OUT, patientRef);
        if (held.isEmpty()) return 0;
        Patient patient;
        try {
            patient = repo.read(Patient.class, new IdType(patientRef));
        } catch (RuntimeException gone) {
            return 0;
        }
        if (!identity.qualified(patient)) return 0;
        int sent = 0;
        for (long id : held) {
            SendRequest req;
            try {
                req = JSON.readValue(new String(store.raw(id).orElseThrow(), StandardCharsets.UTF_8), SendRequest.class);
            } catch (Exception unreadable) {
                store.event(id, "ERROR", "held request unreadable: not released");
                continue;
            }
            if (!store.claimHeld(id, "identity qualified: sent again")) continue;
            SendResult result = producer.requestBody("direct:mssante-send", req, SendResult.class);
            store.event(id, "RELEASED", "identity qualified: sent again as message " + result.messageId() + " (" + result.status() + ")");
            log.info("held MSSanté message {} released as message {} ({})", id, result.messageId(), result.status());
            sent++;
        }
        return sent;
    }
}
