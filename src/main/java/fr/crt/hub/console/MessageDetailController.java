package fr.crt.hub.console;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * A message's page: stages, error, raw content masked. Revealing the clear content needs a reason and writes an
 * AuditEvent ({@code message-reveal}: who, why, which message, which patient when known) before anything is shown;
 * the clear text is in that one response only, never kept in the session or put in a URL.
 */
@Controller
public class MessageDetailController {

    public static final String REVEAL_SUBTYPE = "message-reveal";
    private static final Logger log = LoggerFactory.getLogger(MessageDetailController.class);

    private final MessageStore store;
    private final ConsoleStats stats;
    private final AuditTrail audit;

    public MessageDetailController(MessageStore store, ConsoleStats stats, AuditTrail audit) {
        this.store = store;
        this.stats = stats;
        this.audit = audit;
    }

    @GetMapping("/console/messages/{id}")
    public String detail(@PathVariable long id, Model model) {
        model.addAttribute("v", view(id, false));
        return "console/message";
    }

    @PostMapping("/console/messages/{id}/reveal")
    public String reveal(@PathVariable long id, @RequestParam(required = false) String reason, Authentication auth,
                         Model model, jakarta.servlet.http.HttpServletResponse response) {
        StoredMessage m = store.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        if (reason == null || reason.isBlank()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("v", view(id, false));
            model.addAttribute("revealError", true);
            return "console/message";
        }
        String audited = audit.record(new AuditRecord("R", REVEAL_SUBTYPE, auth.getName(), ConsoleUser.roles(auth),
                m.patientRef(), "hub-message/" + id, AuditRecord.Outcome.SUCCESS, reason.strip()));
        // who and why are in the AuditEvent (auditors only); the log names the event, not the person
        log.info("message {} revealed in the console ({})", id, audited);
        model.addAttribute("v", view(id, true));
        return "console/message";
    }

    private MessageDetailView view(long id, boolean reveal) {
        StoredMessage m = store.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        return MessageDetailView.of(m, store.raw(id).orElse(new byte[0]), store.events(id), stats.editedBy(id).orElse(null),
                stats.replaysOf(id), reveal);
    }
}
