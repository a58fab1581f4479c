package fr.crt.hub.identity;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final AtomicBoolean running;

    public IdentityCheckWorker(IdentityCheckStore checks, IdentityCheckService service, IdentityProperties props) {
        this.checks = checks;
        this.service = service;
        this.props = props;
        this.running = new AtomicBoolean(props.checksEnabled());
    }

    /**
     * Starts or stops running checks without a restart (checks keep being recorded while stopped). The shared test
     * hub starts stopped so that only the identity tests make INSi calls in the background.
     */
    public void setRunning(boolean run) {
        running.set(run);
    }

    @Scheduled(fixedDelayString = "${hub.identity.poll-interval:1s}", initialDelayString = "${hub.identity.poll-interval:1s}")
    public void poll() {
        // a full batch means more are due: drain (bounded) before sleeping
        for (int round = 0; round < 10 && running.get(); round++) {
            List<Long> due = checks.claimDue(props.batchSize(), props.lease());
            for (Long id : due) {
                try {
                    service.run(id);
                } catch (RuntimeException e) {
                    // exception class only: a message could carry data from the Patient or the answer
                    log.warn("identity check {} failed ({}); it runs again after its lease", id,
                            e.getClass().getSimpleName());
                }
            }
            if (due.size() < props.batchSize()) {
                return;
            }
        }
    }
}
