package fr.crt.hub.mssante;

import fr.crt.hub.store.MessageStore;
import java.time.Instant;
import java.util.List;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * At start, mails stored but not yet processed (QUEUED/RETRYING: the queue entry may have been lost in a crash) are
 * queued again; the processor skips what is already done, so a mail queued twice is applied once.
 */
@Component
public class MssanteRecovery {

    private static final Logger log = LoggerFactory.getLogger(MssanteRecovery.class);
    private final MessageStore store;
    private final ProducerTemplate producer;
    private final String queueUri;

    public MssanteRecovery(MessageStore store, ProducerTemplate producer,
                           @Value("jms:queue:${hub.queues.mssante:hub.mssante.inbound}") String queueUri) {
        this.store = store;
        this.producer = producer;
        this.queueUri = queueUri;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void requeuePending() {
        Instant startedAt = Instant.now();
        long lastId = 0;
        int total = 0;
        List<Long> ids;
        do {
            ids = store.pendingIds(MssanteInbound.TRANSPORT, startedAt, lastId, 1000);
            for (Long id : ids) {
                producer.sendBody(queueUri, id);
                lastId = id;
                total++;
            }
        } while (ids.size() == 1000);
        if (total > 0) log.info("Recovery: {} stored mails queued again after restart", total);
    }
}
