package fr.crt.hub.console;

import fr.crt.hub.retention.RetentionJob;
import fr.crt.hub.retention.RetentionService;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Retention in the console, over {@link RetentionJob} (the same service as {@code /api/retention}): the policy of each
 * connector with what a purge would remove now (dry run); the purge itself for ADMIN only (see
 * {@link ConsoleSecurityConfig}), after an explicit confirmation, and audited by the job.
 */
@Controller
public class RetentionPageController {

    private final RetentionJob job;

    public RetentionPageController(RetentionJob job) {
        this.job = job;
    }

    @GetMapping("/console/retention")
    public String page(Model model) {
        model.addAttribute("r", job.service().view());
        return "console/retention";
    }

    @PostMapping("/console/retention/purge")
    public String purge(@RequestParam(required = false) String confirm, Authentication auth, Model model,
                        jakarta.servlet.http.HttpServletResponse response) {
        if (!"yes".equals(confirm)) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("purgeError", true);
        } else {
            RetentionService.Result done = job.purge(auth.getName(), ConsoleUser.roles(auth));
            model.addAttribute("purged", done);
        }
        return page(model);
    }
}
