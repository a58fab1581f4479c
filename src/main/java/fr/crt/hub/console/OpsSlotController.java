package fr.crt.hub.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * SLOT for issue 6 items 5-7, built apart (retention, alerts, audit viewer): the navigation already has their
 * entries and roles (retention and alerts: ADMIN; audit: ADMIN and AUDITOR, see {@link ConsoleSecurityConfig}); each
 * page says it is not there yet. Replace this controller with the real pages when they land.
 */
@Controller
public class OpsSlotController {

    @GetMapping("/console/{slot:retention|alerts|audit}")
    public String slot(@PathVariable String slot, Model model) {
        model.addAttribute("slot", slot);
        return "console/slot";
    }
}
