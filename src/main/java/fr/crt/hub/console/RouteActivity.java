package fr.crt.hub.console;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

/**
 * Per-route exchange figures for the dashboard (the hub runs without JMX, so Camel's managed route statistics are not
 * there): exchanges completed and failed, last exchange, last failure. An exchange whose exception was handled by
 * the error handler (dead letter, refusal) counts as a failure too. Keyed by the route the exchange started in.
 */
@Component
public class RouteActivity extends EventNotifierSupport {

    /** What one route has done since the hub started. */
    public static final class Figures {
        final AtomicLong total = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile Instant lastExchange;
        volatile Instant lastFailure;

        public long total() { return total.get(); }
        public long failed() { return failed.get(); }
        public Instant lastExchange() { return lastExchange; }
        public Instant lastFailure() { return lastFailure; }
    }

    private final Map<String, Figures> byRoute = new ConcurrentHashMap<>();

    public RouteActivity() {
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        String route = exchange.getFromRouteId();
        if (route == null) return;
        Figures f = byRoute.computeIfAbsent(route, r -> new Figures());
        Instant now = Instant.now();
        f.total.incrementAndGet();
        f.lastExchange = now;
        boolean failed = event instanceof CamelEvent.ExchangeFailedEvent || exchange.isFailed()
                || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null;
        if (failed) {
            f.failed.incrementAndGet();
            f.lastFailure = now;
        }
    }

    public Figures of(String routeId) {
        return byRoute.getOrDefault(routeId, new Figures());
    }
}
