package fr.crt.hub.console;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import java.util.List;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * Starts and stops Camel routes, and a connector's inbound routes (the listeners its messages come in by; an MLLP
 * listener is shared by every MLLP partner, which the dashboard says). Each act is audited.
 */
@Controller
public class RouteControlController {

    private static final Logger log = LoggerFactory.getLogger(RouteControlController.class);

    private final CamelContext camel;
    private final DashboardService dashboard;
    private final AuditTrail audit;

    public RouteControlController(CamelContext camel, DashboardService dashboard, AuditTrail audit) {
        this.camel = camel;
        this.dashboard = dashboard;
        this.audit = audit;
    }

    @PostMapping("/console/routes/{id}/{action:start|stop}")
    public String route(@PathVariable String id, @PathVariable String action, Authentication auth) throws Exception {
        if (camel.getRoute(id) == null) throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        apply(List.of(id), action, auth, "route/" + id);
        return "redirect:/console/dashboard";
    }

    @PostMapping("/console/connectors/{id}/{action:start|stop}")
    public String connector(@PathVariable String id, @PathVariable String action, Authentication auth) throws Exception {
        List<String> routes = dashboard.inboundRouteIds(id);
        if (routes.isEmpty()) throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        apply(routes, action, auth, "connector/" + id);
        return "redirect:/console/dashboard";
    }

    private void apply(List<String> routes, String action, Authentication auth, String entity) throws Exception {
        for (String route : routes) {
            if (action.equals("stop")) camel.getRouteController().stopRoute(route);
            else camel.getRouteController().startRoute(route);
        }
        String audited = audit.record(new AuditRecord("E", "route-" + action, auth.getName(), ConsoleUser.roles(auth), null, entity,
                AuditRecord.Outcome.SUCCESS, action + " " + String.join(", ", routes)));
        log.info("{} {} ({}, {})", action, entity, routes, audited);
    }
}
