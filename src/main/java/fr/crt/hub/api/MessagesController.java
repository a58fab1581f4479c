package fr.crt.hub.api;

import fr.crt.hub.dui.AdtReplayService;
import fr.crt.hub.store.MessageEvent;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The message store over HTTP: search, detail with every stage, replay one or many. Lists never carry
 * message content; the raw bytes are only in the detail, for authorised users.
 */
@RestController
@RequestMapping("/api")
public class MessagesController {

    private final MessageStore store;
    private final AdtReplayService replay;

    public MessagesController(MessageStore store, AdtReplayService replay) {
        this.store = store;
        this.replay = replay;
    }

    @GetMapping("/messages")
    public Map<String, Object> search(@RequestParam(required = false) String partner,
                                      @RequestParam(required = false) String type,
                                      @RequestParam(required = false) String trigger,
                                      @RequestParam(required = false) MessageStatus status,
                                      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                                      @RequestParam(required = false) String controlId,
                                      @RequestParam(required = false) String patient,
                                      @RequestParam(defaultValue = "0") int page,
                                      @RequestParam(defaultValue = "50") int size) {
        MessageQuery q = new MessageQuery(partner, type, trigger, status, from, to, controlId, patient, page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("page", q.page());
        body.put("size", q.size());
        body.put("total", store.count(q));
        body.put("items", store.search(q).stream().map(MessagesController::summary).toList());
        return body;
    }

    @GetMapping("/messages/{id}")
    public ResponseEntity<Map<String, Object>> detail(@PathVariable long id) {
        return store.find(id).map(m -> {
            Map<String, Object> body = summary(m);
            // RECEIVED and ACK are facts of the message row (written once, before the ACK); later stages are events.
            List<Map<String, Object>> stages = new java.util.ArrayList<>();
            stages.add(Map.of("at", m.receivedAt().toString(), "stage", "RECEIVED",
                    "detail", m.transport() + ", " + m.sizeBytes() + " bytes, sha256 " + m.sha256()));
            stages.add(Map.of("at", m.receivedAt().toString(), "stage", "ACK", "detail", m.ackCode()
                    + (m.errorLocation() == null ? "" : " at " + m.errorLocation())
                    + (m.status() == MessageStatus.DUPLICATE ? " (duplicate of " + m.duplicateOf() + ")" : "")));
            for (MessageEvent e : store.events(id)) {
                stages.add(Map.of("at", e.at().toString(), "stage", e.stage(), "detail", e.detail() == null ? "" : e.detail()));
            }
            body.put("stages", stages);
            byte[] raw = store.raw(id).orElse(new byte[0]);
            body.put("raw", new String(raw, m.charset() == null ? java.nio.charset.StandardCharsets.UTF_8
                    : java.nio.charset.Charset.forName(m.charset())));
            return ResponseEntity.ok(body);
        }).orElse(ResponseEntity.notFound().build());
    }

    @PostMapping("/messages/{id}/replay")
    public ResponseEntity<?> replay(@PathVariable long id) {
        return replay.replay(id).<ResponseEntity<?>>map(r -> ResponseEntity.status(HttpStatus.ACCEPTED).body(r))
                .orElse(ResponseEntity.notFound().build());
    }

    @org.springframework.web.bind.annotation.ExceptionHandler({AdtReplayService.RawContentPurgedException.class,
            AdtReplayService.NotAnHl7MessageException.class, AdtReplayService.OutboundMessageException.class})
    public ResponseEntity<Map<String, Object>> notReplayable(IllegalStateException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
    }

    /** Bulk replay of every message matching the filter; answers a job to poll at /api/replays/{id}. */
    @PostMapping("/messages/replay")
    public ResponseEntity<Map<String, Object>> replayAll(@RequestParam(required = false) String partner,
                                                         @RequestParam(required = false) String type,
                                                         @RequestParam(required = false) String trigger,
                                                         @RequestParam(required = false) MessageStatus status,
                                                         @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                                         @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        if (partner == null && type == null && trigger == null && status == null && from == null && to == null) {
            return ResponseEntity.badRequest().body(Map.of("error", "a bulk replay needs at least one filter"));
        }
        var job = replay.startBulk(new MessageQuery(partner, type, trigger, status, from, to, null, null, 0, 1));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(job.view());
    }

    @GetMapping("/replays/{jobId}")
    public ResponseEntity<Map<String, Object>> job(@PathVariable String jobId) {
        return replay.job(jobId).map(j -> ResponseEntity.ok(j.view())).orElse(ResponseEntity.notFound().build());
    }

    @DeleteMapping("/replays/{jobId}")
    public ResponseEntity<Map<String, Object>> cancel(@PathVariable String jobId) {
        return replay.job(jobId).map(j -> {
            j.cancel();
            return ResponseEntity.ok(j.view());
        }).orElse(ResponseEntity.notFound().build());
    }

    /** One line of a message list (no content), as every message search answers it. */
    public static Map<String, Object> summary(StoredMessage m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", m.id());
        map.put("partner", m.partnerId());
        map.put("transport", m.transport());
        map.put("receivedAt", m.receivedAt().toString());
        map.put("controlId", m.controlId());
        map.put("type", m.messageType());
        map.put("trigger", m.triggerEvent());
        map.put("charset", m.charset());
        map.put("sha256", m.sha256());
        map.put("sizeBytes", m.sizeBytes());
        map.put("status", m.status().name());
        map.put("statusReason", m.statusReason());
        map.put("ack", m.ackCode());
        map.put("errorLocation", m.errorLocation());
        map.put("attempts", m.attempts());
        map.put("processedAt", m.processedAt() == null ? null : m.processedAt().toString());
        map.put("patient", m.patientRef());
        map.put("duplicateOf", m.duplicateOf());
        map.put("replayOf", m.replayOf());
        return map;
    }
}
