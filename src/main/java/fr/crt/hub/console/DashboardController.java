package fr.crt.hub.console;

import fr.crt.hub.alerts.AlertStore;
import fr.crt.hub.security.SecurityConfig;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** The console's home: the live dashboard for administrators and operators, the audit trail for auditors. */
@Controller
public class DashboardController {

    private final DashboardService dashboard;
    private final ConsoleProperties properties;
    private final AlertStore alerts;

    public DashboardController(DashboardService dashboard, ConsoleProperties properties, AlertStore alerts) {
        this.dashboard = dashboard;
        this.properties = properties;
        this.alerts = alerts;
    }

    @GetMapping({"/console", "/console/"})
    public String home(Authentication auth) {
        boolean onlyAuditor = auth.getAuthorities().stream().map(a -> a.getAuthority())
                .noneMatch(a -> a.equals("ROLE_" + SecurityConfig.ADMIN) || a.equals("ROLE_" + SecurityConfig.OPERATOR));
        return onlyAuditor ? "redirect:/console/audit" : "redirect:/console/dashboard";
    }

    @GetMapping("/console/dashboard")
    public String page(Model model) {
        model.addAttribute("d", dashboard.now());
        model.addAttribute("activeAlerts", alerts.active());
        model.addAttribute("refreshSeconds", Math.max(1, properties.refresh().toSeconds()));
        return "console/dashboard";
    }

    /** The part of the page htmx re-reads every few seconds. */
    @GetMapping("/console/dashboard/live")
    public String live(Model model) {
        model.addAttribute("d", dashboard.now());
        model.addAttribute("activeAlerts", alerts.active());
        model.addAttribute("refreshSeconds", Math.max(1, properties.refresh().toSeconds()));
        return "console/dashboard :: live";
    }

    /** Forwarded to by the access-denied handler with the refused request's method (a refused POST included). */
    @RequestMapping("/console/denied")
    public String denied() {
        return "console/denied";
    }
}
