package fr.crt.hub.indicators;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The hub's own Micrometer meters (exposed at {@code /actuator/prometheus}). Tags carry partner ids and
 * message types only, never anything about a person.
 */
@Component
public class HubMetrics {

    private final MeterRegistry registry;

    public HubMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void received(String partner, String type, String trigger) {
        Counter.builder("hub.messages.received").description("Inbound messages stored")
                .tag("partner", tag(partner)).tag("type", tag(type) + "^" + tag(trigger))
                .register(registry).increment();
    }

    public void acked(String partner, String type, String ackCode, long nanos) {
        Counter.builder("hub.messages.acked").description("Acknowledgements sent, by code")
                .tag("partner", tag(partner)).tag("type", tag(type)).tag("code", tag(ackCode))
                .register(registry).increment();
        Timer.builder("hub.ack.latency").description("From message read to ACK ready")
                .tag("partner", tag(partner)).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry).record(Duration.ofNanos(nanos));
    }

    public void processed(String partner, String trigger, long lagMillis) {
        Counter.builder("hub.messages.processed").description("Messages applied to the canonical repository")
                .tag("partner", tag(partner)).tag("trigger", tag(trigger)).register(registry).increment();
        Timer.builder("hub.processing.lag").description("From reception to resources committed")
                .tag("partner", tag(partner)).publishPercentileHistogram()
                .register(registry).record(Duration.ofMillis(Math.max(0, lagMillis)));
    }

    public void failed(String partner, String trigger, String outcome) {
        Counter.builder("hub.messages.failed").description("Messages that failed processing (retrying or dead letter)")
                .tag("partner", tag(partner)).tag("trigger", tag(trigger)).tag("outcome", outcome)
                .register(registry).increment();
    }

    private static String tag(String v) {
        return v == null || v.isBlank() ? "unknown" : v;
    }
}
