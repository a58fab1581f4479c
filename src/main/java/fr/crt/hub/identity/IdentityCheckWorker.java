package fr.crt.hub.identity;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Polls the durable check table and runs due checks, one at a time per hub (INSi is rate-limited anyway). A check
 * that throws stays claimed until its lease ends, then is run again: nothing is lost.
 */
@Component
public class IdentityCheckWorker {

    private static final Logger log = LoggerFactory.getLogger(IdentityCheckWorker.class);

    private final IdentityCheckStore checks;
    private final IdentityCheckService service;
    private final IdentityProperties props;

    public IdentityCheckWorker(IdentityCheckStore checks, IdentityCheckService service, IdentityProperties props) {
        this.checks = checks;
        this.service = service;
        this.props = props;
    }

    @Scheduled(fixedDelayString = "${hub.identity.poll-interval:1s}", initialDelayString = "${hub.identity.poll-interval:1s}")
    public void poll() {
        if (!props.checksEnabled()) {
            return;
        }
        List<Long> due = checks.claimDue(props.batchSize(), props.lease());
        for (Long id : due) {
            try {
                service.run(id);
            } catch (RuntimeException e) {
                // exception class only: a message could carry data from the Patient or the answer
                log.warn("identity check {} failed ({}); it runs again after its lease", id, e.getClass().getSimpleName());
            }
        }
    }
}
