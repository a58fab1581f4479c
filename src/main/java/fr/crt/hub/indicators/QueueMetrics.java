package fr.crt.hub.indicators;

import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Queue depth (messages acknowledged, not yet applied), dead letters and refusals, refreshed from the
 * store every few seconds so that scraping never runs a count query.
 */
@Component
public class QueueMetrics {

    private final MessageStore store;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong retrying = new AtomicLong();
    private final AtomicLong deadLetter = new AtomicLong();

    public QueueMetrics(MessageStore store, MeterRegistry registry) {
        this.store = store;
        Gauge.builder("hub.queue.depth", queued, AtomicLong::get).description("Messages waiting to be applied")
                .tag("status", "queued").register(registry);
        Gauge.builder("hub.queue.depth", retrying, AtomicLong::get).description("Messages waiting to be applied")
                .tag("status", "retrying").register(registry);
        Gauge.builder("hub.messages.dead_letter", deadLetter, AtomicLong::get)
                .description("Messages waiting for an operator").register(registry);
    }

    @Scheduled(fixedDelayString = "${hub.metrics.queue-refresh:5s}", initialDelay = 2000)
    public void refresh() {
        queued.set(store.countByStatus(MessageStatus.QUEUED));
        retrying.set(store.countByStatus(MessageStatus.RETRYING));
        deadLetter.set(store.countByStatus(MessageStatus.DEAD_LETTER));
    }
}
