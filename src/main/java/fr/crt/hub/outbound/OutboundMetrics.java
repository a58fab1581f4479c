package fr.crt.hub.outbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** {@code hub_outbound_total{partner,outcome}}: queued, delivered, retry, refused, expired, held. */
@Component
public class OutboundMetrics {

    private final MeterRegistry meters;

    public OutboundMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void outcome(String partner, String outcome) {
        Counter.builder("hub.outbound").description("Outbound messages per partner, by outcome of each step")
                .tag("partner", partner).tag("outcome", outcome).register(meters).increment();
    }
}
