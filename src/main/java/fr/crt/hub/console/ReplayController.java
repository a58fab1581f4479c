package fr.crt.hub.console;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.dui.AdtReplayService;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Repair from the console, through {@link AdtReplayService} (the replay API's logic): replay one message, replay
 * every message a search matches (a background job whose progress the page polls, cancellable), and edit-and-replay a
 * failed message: the operator's text becomes a new message linked to the original ({@code replay_of}, marked
 * {@code edited_by}) and goes through the same intake checks and queue as any message; the original is untouched.
 */
@Controller
public class ReplayController {

    private static final Logger log = LoggerFactory.getLogger(ReplayController.class);
    static final int MAX_BULK = 100_000;
    static final int MAX_EDIT_CHARS = 1_000_000;

    private final AdtReplayService replay;
    private final MessageStore store;
    private final MessageSearch search;
    private final AuditTrail audit;

    public ReplayController(AdtReplayService replay, MessageStore store, MessageSearch search, AuditTrail audit) {
        this.replay = replay;
        this.store = store;
        this.search = search;
        this.audit = audit;
    }

    @PostMapping("/console/messages/{id}/replay")
    public String replayOne(@PathVariable long id, Authentication auth, RedirectAttributes flash) {
        StoredMessage original = store.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        AdtReplayService.ReplayResult r = replay.replay(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        String audited = audit.record(new AuditRecord("E", "message-replay", auth.getName(), ConsoleUser.roles(auth),
                original.patientRef(), "hub-message/" + id, AuditRecord.Outcome.SUCCESS,
                "copy stored as hub-message/" + r.newId() + ", ack " + r.ackCode()));
        log.info("message {} replayed from the console as {} ({})", id, r.newId(), audited);
        flash.addFlashAttribute("replayedFrom", id);
        return "redirect:/console/messages/" + r.newId();
    }

    @PostMapping("/console/messages/{id}/edit-replay")
    public String editAndReplay(@PathVariable long id, @RequestParam String raw, Authentication auth, RedirectAttributes flash) {
        StoredMessage original = store.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        if (original.status() != MessageStatus.REJECTED && original.status() != MessageStatus.DEAD_LETTER) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "only a failed message can be edited");
        }
        if (raw.isBlank() || raw.length() > MAX_EDIT_CHARS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "edited text empty or too long");
        }
        // Browsers send textarea lines as CRLF; HL7 v2 separates segments with CR. Same charset as declared.
        String er7 = raw.strip().replace("\r\n", "\r").replace('\n', '\r');
        AdtReplayService.ReplayResult r = replay.replay(id, er7.getBytes(charsetOf(original))).orElseThrow();
        store.markEdited(r.newId(), auth.getName());
        String audited = audit.record(new AuditRecord("U", "message-edit-replay", auth.getName(), ConsoleUser.roles(auth),
                original.patientRef(), "hub-message/" + id, AuditRecord.Outcome.SUCCESS,
                "edited copy stored as hub-message/" + r.newId() + ", ack " + r.ackCode()));
        log.info("message {} edited and replayed from the console as {} ({}, {})", id, r.newId(), r.ackCode(), audited);
        flash.addFlashAttribute("replayedFrom", id);
        return "redirect:/console/messages/" + r.newId();
    }

    /** Replays everything the posted search matches; answers the progress fragment. */
    @PostMapping("/console/messages/replay-all")
    public String replayAll(@ModelAttribute SearchForm form, Authentication auth, Model model) {
        if (!form.hasFilter()) throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "a bulk replay needs at least one filter");
        AdtReplayService.ReplayJob job = replay.startBulk(search.allIds(form, MAX_BULK));
        String audited = audit.record(new AuditRecord("E", "message-bulk-replay", auth.getName(), ConsoleUser.roles(auth),
                null, "replay-job/" + job.id, AuditRecord.Outcome.SUCCESS, job.total + " messages"));
        log.info("bulk replay {} of {} messages started from the console ({})", job.id, job.total, audited);
        model.addAttribute("job", job.view());
        return "console/replay-job :: job";
    }

    @GetMapping("/console/replays/{jobId}")
    public String progress(@PathVariable String jobId, Model model) {
        model.addAttribute("job", job(jobId).view());
        return "console/replay-job :: job";
    }

    @PostMapping("/console/replays/{jobId}/cancel")
    public String cancel(@PathVariable String jobId, Model model) {
        AdtReplayService.ReplayJob job = job(jobId);
        job.cancel();
        model.addAttribute("job", job.view());
        return "console/replay-job :: job";
    }

    private AdtReplayService.ReplayJob job(String id) {
        return replay.job(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private static Charset charsetOf(StoredMessage m) {
        try {
            return m.charset() == null ? StandardCharsets.UTF_8 : Charset.forName(m.charset());
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
