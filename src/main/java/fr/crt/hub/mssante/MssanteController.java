package fr.crt.hub.mssante;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * MSSanté actions for operators (OPERATOR/ADMIN, see SecurityConfig): send a document, attach a mail's documents.
 * Answers: 201 sent, 202 held (INS not qualified), 403 refused by the access matrix, 404 unknown patient/document,
 * 502 SMTP failure (kept in the store as DEAD_LETTER).
 */
@RestController
@RequestMapping("/api/mssante")
public class MssanteController {

    private final ProducerTemplate producer;
    private final MssanteAttach attach;
    private final fr.crt.hub.store.MessageStore store;
    private final String queueUri;

    public MssanteController(ProducerTemplate producer, MssanteAttach attach, fr.crt.hub.store.MessageStore store,
                             @org.springframework.beans.factory.annotation.Value("jms:queue:${hub.queues.mssante:hub.mssante.inbound}") String queueUri) {
        this.producer = producer;
        this.attach = attach;
        this.store = store;
        this.queueUri = queueUri;
    }

    /**
     * Processes a received mail again, e.g. PATIENT_UNKNOWN once the patient exists, or DEAD_LETTER after a fix
     * (the generic /api/messages/{id}/replay is the HL7 path and must not be used for mail).
     */
    @PostMapping("/messages/{id}/reprocess")
    public ResponseEntity<Map<String, Object>> reprocess(@PathVariable long id, Authentication auth) {
        var m = store.find(id).orElse(null);
        if (m == null || !MssanteInbound.TRANSPORT.equals(m.transport())) {
            return ResponseEntity.status(404).body(Map.of("error", "no received mail with this id"));
        }
        if (m.status() == fr.crt.hub.store.MessageStatus.PROCESSED || m.status() == fr.crt.hub.store.MessageStatus.DUPLICATE) {
            return ResponseEntity.status(409).body(Map.of("error", "mail is " + m.status()));
        }
        store.markStatus(id, fr.crt.hub.store.MessageStatus.QUEUED, null);
        store.event(id, "REPROCESS", "requested by " + auth.getName());
        producer.sendBody(queueUri, id);
        return ResponseEntity.accepted().body(Map.of("messageId", id, "status", "QUEUED"));
    }

    public record SendBody(String patientId, String documentReferenceId, String recipient, Boolean readReceipt) {}

    public record AttachBody(String patientId, String typeCode) {}

    @PostMapping("/send")
    public ResponseEntity<Map<String, Object>> send(@RequestBody SendBody body, Authentication auth) {
        if (body == null || body.patientId() == null || body.documentReferenceId() == null || body.recipient() == null) {
            return ResponseEntity.badRequest().body(Map.of("error", "patientId, documentReferenceId and recipient are required"));
        }
        SendResult r = producer.requestBody("direct:mssante-send", new SendRequest(body.patientId(), body.documentReferenceId(),
                body.recipient(), Boolean.TRUE.equals(body.readReceipt()), auth.getName(), role(auth)), SendResult.class);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messageId", r.messageId());
        out.put("status", r.status() == null ? null : r.status().name());
        out.put("reason", r.reason());
        out.put("mailMessageId", r.mailMessageId());
        int status = r.status() == null ? 404 : switch (r.status()) {
            case SENT -> 201;
            case HELD -> 202;
            case REJECTED -> 403;
            default -> 502;
        };
        return ResponseEntity.status(status).body(out);
    }

    @PostMapping("/messages/{id}/attach")
    public ResponseEntity<Map<String, Object>> attach(@PathVariable long id, @RequestBody AttachBody body, Authentication auth) {
        MssanteAttach.Result r = attach.attach(id, body == null ? null : body.patientId(), body == null ? null : body.typeCode(),
                auth.getName(), role(auth));
        Map<String, Object> out = new LinkedHashMap<>();
        if (r.error() != null) out.put("error", r.error());
        out.put("documentReferences", r.documentReferences());
        return ResponseEntity.status(r.httpStatus()).body(out);
    }

    private static String role(Authentication auth) {
        return auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).map(a -> a.replace("ROLE_", ""))
                .findFirst().orElse(null);
    }
}
