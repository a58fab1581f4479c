package fr.crt.hub.dui;

import fr.crt.hub.store.MessageStore;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * After a crash, a message may be stored and acknowledged but its queue entry lost with an unflushed
 * journal, or stuck mid-retry. At start, every message still QUEUED or RETRYING is queued again; the
 * processor skips what is already processed, so a message queued twice is applied once.
 */
@Component
public class PendingMessageRecovery {

    private static final Logger log = LoggerFactory.getLogger(PendingMessageRecovery.class);
    private final MessageStore store;
    private final AdtReplayService replay;

    public PendingMessageRecovery(MessageStore store, AdtReplayService replay) {
        this.store = store;
        this.replay = replay;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void requeuePending() {
        Instant startedAt = Instant.now();
        int total = 0;
        long lastId = 0;
        List<Long> ids;
        do {
            ids = store.pendingIds(startedAt, lastId, 1000);
            for (Long id : ids) {
                replay.requeue(id);
                lastId = id;
                total++;
            }
        } while (ids.size() == 1000);
        if (total > 0) log.info("Recovery: {} stored messages queued again after restart", total);
    }
}
