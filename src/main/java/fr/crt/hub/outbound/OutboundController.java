package fr.crt.hub.outbound;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Outbound messages (ADMIN, OPERATOR): {@code GET /api/outbound/messages?partner=&status=&size=} lists them newest
 * first (e.g. the dead letters of one partner); {@code POST /api/outbound/messages/{id}/replay} sends a finished one
 * again: a copy of the same bytes, linked to it ({@code replay_of}), queued in the person's order. Replays are audited.
 */
@RestController
public class OutboundController {

    static final Set<MessageStatus> REPLAYABLE = Set.of(MessageStatus.DEAD_LETTER, MessageStatus.HELD, MessageStatus.DELIVERED);

    private final OutboundStore store;
    private final MessageStore messages;
    private final OutboundPartners partners;
    private final OutboundDispatcher dispatcher;
    private final AuditTrail audit;

    public OutboundController(OutboundStore store, MessageStore messages, OutboundPartners partners, OutboundDispatcher dispatcher,
                              AuditTrail audit) {
        this.store = store;
        this.messages = messages;
        this.partners = partners;
        this.dispatcher = dispatcher;
        this.audit = audit;
    }

    @GetMapping("/api/outbound/messages")
    public List<Map<String, Object>> list(@RequestParam(required = false) String partner,
                                          @RequestParam(required = false) String status,
                                          @RequestParam(defaultValue = "50") int size) {
        MessageStatus st;
        try {
            st = status == null || status.isBlank() ? null : MessageStatus.valueOf(status.trim());
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown status " + status);
        }
        if (size < 1 || size > 500) throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "size must be 1..500");
        return store.list(partner == null || partner.isBlank() ? null : partner.trim(), st, size);
    }

    @PostMapping("/api/outbound/messages/{id}/replay")
    public Map<String, Object> replay(@PathVariable long id, Authentication auth) {
        StoredMessage original = messages.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        if (original.transport() == null || !original.transport().startsWith(OutboundStore.TRANSPORT_PREFIX)) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "message " + id + " is not an outbound message:"
                    + " replay it with POST /api/messages/" + id + "/replay");
        }
        if (!REPLAYABLE.contains(original.status())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "message " + id + " is " + original.status()
                    + ": it is still being delivered");
        }
        PartnerOutbound p = partners.byId(original.partnerId()).filter(PartnerOutbound::enabled).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.CONFLICT, "the outbound side of " + original.partnerId()
                        + " is not declared or disabled"));
        byte[] raw = messages.raw(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.GONE,
                "message " + id + ": raw content purged by the retention policy"));
        // a merge's copy names the merged-away person too, so it keeps its place among both persons' messages
        long copy = store.record(p, original.patientRef(), store.mergedRef(id).orElse(null), null, original.controlId(),
                original.messageType(), original.triggerEvent(), raw, List.of(), id, MessageStatus.QUEUED, null).orElseThrow();
        messages.event(copy, "REPLAY", "replay of outbound message " + id + " by an operator");
        messages.event(id, "REPLAYED", "replayed as message " + copy);
        audit.record(new AuditRecord("E", "outbound-replay", auth.getName(), null, original.patientRef(),
                "hub-message/" + id, AuditRecord.Outcome.SUCCESS, "copy stored as hub-message/" + copy));
        dispatcher.queue(p, copy, original.patientRef());
        return Map.of("originalId", id, "newId", copy, "status", MessageStatus.QUEUED.name());
    }
}
