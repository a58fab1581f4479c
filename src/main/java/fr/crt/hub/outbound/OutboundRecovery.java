package fr.crt.hub.outbound;

import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * At start, every outbound message still QUEUED or RETRYING (its queue entry may have been lost in a crash, or it was
 * waiting for a partner when the hub stopped) is queued again, in its partner+person group. A message queued twice is
 * delivered once: the delivery skips what is no longer pending, and delivers a person's older messages first.
 */
@Component
public class OutboundRecovery {

    private static final Logger log = LoggerFactory.getLogger(OutboundRecovery.class);
    private final OutboundStore store;
    private final OutboundPartners partners;
    private final OutboundDispatcher dispatcher;

    public OutboundRecovery(OutboundStore store, OutboundPartners partners, OutboundDispatcher dispatcher) {
        this.store = store;
        this.partners = partners;
        this.dispatcher = dispatcher;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(100)
    public void requeuePending() {
        int total = requeue(Instant.now());
        if (total > 0) log.info("Recovery: {} outbound messages queued again after restart", total);
    }

    /** Queues again the pending outbound messages stored before {@code before}; returns how many. */
    public int requeue(Instant before) {
        long lastId = 0;
        int total = 0;
        List<OutboundStore.Pending> page;
        do {
            page = store.allPending(before, lastId, 1000);
            for (OutboundStore.Pending m : page) {
                lastId = m.id();
                PartnerOutbound p = partners.byId(m.partnerId()).orElse(null);
                if (p == null) continue; // partner gone: the message stays visible, replayable when it is back
                dispatcher.queue(p, m.id(), m.patientRef());
                total++;
            }
        } while (page.size() == 1000);
        return total;
    }
}
