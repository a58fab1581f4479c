package fr.crt.hub.identity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code hub_identity_checks_total{outcome}} (match, mismatch, ins_invalid, not_found, several, retry, failed,
 * skipped…) and {@code hub_identity_tasks_open} (gauge read from the task table). No person in any tag.
 */
@Component
public class IdentityMetrics {

    private final MeterRegistry registry;

    public IdentityMetrics(MeterRegistry registry, VigilanceTaskStore tasks) {
        this.registry = registry;
        Gauge.builder("hub.identity.tasks.open", tasks,
                        t -> t.count(VigilanceTaskStore.Status.OPEN, null, null))
                .description("Open identity vigilance tasks").register(registry);
    }

    public void check(String outcome) {
        Counter.builder("hub.identity.checks").description("INSi identity checks by outcome")
                .tag("outcome", outcome == null ? "unknown" : outcome).register(registry).increment();
    }
}
