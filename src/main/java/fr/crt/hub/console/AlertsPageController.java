package fr.crt.hub.console;

import fr.crt.hub.alerts.AlertEvaluator;
import fr.crt.hub.alerts.AlertStore;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Alerts in the console (ADMIN and OPERATOR, read only): active alerts, those cleared in the last week, and the rules
 * of {@code mappings/alert-rules.yaml} as the evaluator reads them (they are changed in the file, not here).
 */
@Controller
public class AlertsPageController {

    static final Duration RECENT = Duration.ofDays(7);

    private final AlertStore alerts;
    private final AlertEvaluator evaluator;

    public AlertsPageController(AlertStore alerts, AlertEvaluator evaluator) {
        this.alerts = alerts;
        this.evaluator = evaluator;
    }

    @GetMapping("/console/alerts")
    public String page(Model model) {
        model.addAttribute("active", alerts.active());
        model.addAttribute("recent", alerts.recent(Instant.now().minus(RECENT), 200));
        model.addAttribute("rules", evaluator.rules());
        return "console/alerts";
    }
}
