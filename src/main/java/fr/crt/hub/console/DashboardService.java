package fr.crt.hub.console;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.pki.CertificateInventory;
import fr.crt.hub.pki.PkiProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.stereotype.Service;

/** Builds the {@link Dashboard} from Camel, the connector registry, the message store figures and the PKI inventory. */
@Service
public class DashboardService {

    private final CamelContext camel;
    private final RouteActivity activity;
    private final ConnectorRegistry connectors;
    private final ConsoleStats stats;
    private final MeterRegistry meters;
    private final CertificateInventory certificates;
    private final int warnDays;

    public DashboardService(CamelContext camel, RouteActivity activity, ConnectorRegistry connectors, ConsoleStats stats,
                            MeterRegistry meters, CertificateInventory certificates, PkiProperties pki) {
        this.camel = camel;
        this.activity = activity;
        this.connectors = connectors;
        this.stats = stats;
        this.meters = meters;
        this.certificates = certificates;
        this.warnDays = pki.warnDays();
    }

    public Dashboard now() {
        Instant now = Instant.now();
        List<Dashboard.RouteRow> routes = camel.getRoutes().stream().sorted(Comparator.comparing(Route::getRouteId))
                .map(this::row).toList();
        Map<String, ConsoleStats.Counts> hour = stats.countsByPartner(now.minus(Duration.ofHours(1)));
        Map<String, ConsoleStats.Counts> day = stats.countsByPartner(now.minus(Duration.ofDays(1)));
        List<Dashboard.ConnectorRow> partners = connectors.all().stream().sorted(Comparator.comparing(Connector::id))
                .map(c -> new Dashboard.ConnectorRow(c.id(), c.displayName(), transport(c),
                        stats.lastReceived(c.id()).orElse(null), stats.lastError(c.id()).orElse(null),
                        hour.getOrDefault(c.id(), ConsoleStats.Counts.NONE), day.getOrDefault(c.id(), ConsoleStats.Counts.NONE),
                        inboundRoutes(routes, transport(c))))
                .toList();
        Duration lag = stats.oldestPending().map(t -> Duration.between(t, now)).orElse(Duration.ZERO);
        return new Dashboard(now, routes, partners, ConsoleStats.total(hour), ConsoleStats.total(day),
                gauge("hub.queue.depth", "queued"), gauge("hub.queue.depth", "retrying"),
                gauge("hub.messages.dead_letter", null), lag,
                certificates.views().stream().filter(v -> v.expired() || v.revoked() || v.daysLeft() <= warnDays)
                        .sorted(Comparator.comparing(v -> v.notAfter())).toList());
    }

    /** Routes a connector's messages come in by: those consuming from its transport's component (e.g. {@code mllp:}). */
    public List<String> inboundRouteIds(String connectorId) {
        String transport = connectors.byId(connectorId).map(DashboardService::transport).orElse(null);
        if (transport == null) return List.of();
        return camel.getRoutes().stream().filter(r -> r.getEndpoint().getEndpointUri().startsWith(transport + ":"))
                .map(Route::getRouteId).sorted().toList();
    }

    private static List<Dashboard.RouteRow> inboundRoutes(List<Dashboard.RouteRow> routes, String transport) {
        return routes.stream().filter(r -> r.from().startsWith(transport + ":")).toList();
    }

    private static String transport(Connector c) {
        return c.inbound() == null || c.inbound().transport() == null ? "?" : c.inbound().transport();
    }

    private Dashboard.RouteRow row(Route route) {
        ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
        RouteActivity.Figures f = activity.of(route.getRouteId());
        String state;
        if (status == null || !status.isStarted()) state = "stopped";
        else if (f.lastFailure() != null && f.lastFailure().equals(f.lastExchange())) state = "failing";
        else state = "running";
        // The endpoint without its query: parameters may name keystores, never worth showing.
        String from = route.getEndpoint().getEndpointUri().split("\\?", 2)[0];
        return new Dashboard.RouteRow(route.getRouteId(), from, state, f.total(), f.failed(), f.lastExchange(), f.lastFailure());
    }

    private long gauge(String name, String status) {
        var search = meters.find(name);
        if (status != null) search = search.tag("status", status);
        Gauge g = search.gauge();
        return g == null ? 0 : (long) g.value();
    }
}
