package fr.crt.hub.outbound;

import fr.crt.hub.connector.ConnectorRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The partners with an {@code outbound:} section, resolved from the connector files (re-read when they change), and
 * one consumer route per partner made from the {@code partner-outbound} template of {@code routes/partner-outbound.yaml}
 * on its own durable queue. A partner added later gets its route at its first message.
 */
@Component
public class OutboundPartners {

    private static final Logger log = LoggerFactory.getLogger(OutboundPartners.class);
    public static final String TEMPLATE = "partner-outbound";

    private final ConnectorRegistry connectors;
    private final Environment env;
    private final CamelContext camel;
    private final OutboundStore store;
    private final MeterRegistry meters;
    private final Set<String> routes = ConcurrentHashMap.newKeySet();
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    public OutboundPartners(ConnectorRegistry connectors, Environment env, CamelContext camel, OutboundStore store,
                            MeterRegistry meters) {
        this.connectors = connectors;
        this.env = env;
        this.camel = camel;
        this.store = store;
        this.meters = meters;
    }

    /** Every partner with a valid outbound section (enabled or not); invalid sections are logged once and skipped. */
    public List<PartnerOutbound> all() {
        List<PartnerOutbound> out = new ArrayList<>();
        for (var c : connectors.all()) {
            try {
                PartnerOutbound p = PartnerOutbound.of(c, env::resolveRequiredPlaceholders);
                if (p != null) out.add(p);
            } catch (IllegalArgumentException e) {
                if (!e.getMessage().equals(reported.put(c.id(), e.getMessage()))) {
                    log.error("outbound side of {} ignored: {}", c.id(), e.getMessage());
                }
            }
        }
        return out;
    }

    public Optional<PartnerOutbound> byId(String id) {
        return all().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void startRoutes() {
        for (PartnerOutbound p : all()) {
            if (p.enabled()) ensureRoute(p);
        }
    }

    /** Starts the partner's consumer route (and its queue-depth gauge) once. */
    public void ensureRoute(PartnerOutbound p) {
        if (!routes.add(p.id())) return;
        try {
            TemplatedRouteBuilder.builder(camel, TEMPLATE)
                    .routeId(TEMPLATE + "-" + p.id())
                    .parameter("partner", p.id())
                    .parameter("queue", p.queue())
                    .add();
            Gauge.builder("hub.outbound.queue.depth", store, s -> s.pendingCount(p.id()))
                    .description("Outbound messages waiting for a partner (QUEUED or RETRYING)")
                    .tag("partner", p.id()).register(meters);
            log.info("outbound to {} over {} on queue {}", p.id(), p.transport(), p.queue());
        } catch (Exception e) {
            routes.remove(p.id());
            log.error("outbound route of {} not started: {}", p.id(), e.getMessage());
        }
    }
}
