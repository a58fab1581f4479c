package fr.crt.hub.retention;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.connector.ConnectorRegistry;
import java.time.Clock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the retention purge on its schedule ({@code hub.retention.cron}, nightly by default) or on an
 * administrator's request, and audits every real purge (counts only: which connector, how many).
 */
@Component
public class RetentionJob {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final RetentionService service;
    private final AuditTrail audit;

    public RetentionJob(JdbcTemplate jdbc, RetentionProperties props, ConnectorRegistry connectors, AuditTrail audit) {
        this.service = new RetentionService(jdbc, props, connectors, Clock.systemUTC());
        this.audit = audit;
    }

    public RetentionService service() {
        return service;
    }

    @Scheduled(cron = "${hub.retention.cron:0 30 2 * * *}")
    public void nightly() {
        purge(AuditRecord.SYSTEM_ACTOR, null);
    }

    /** Purges now; one audit line whatever the outcome (a failed purge is audited as such, then rethrown). */
    public synchronized RetentionService.Result purge(String who, String role) {
        try {
            RetentionService.Result r = service.purge();
            String audited = audit.record(new AuditRecord("D", "retention-purge", who, role, null, "hub-message-store",
                    AuditRecord.Outcome.SUCCESS, describe(r)));
            log.info("retention purge: raw copies removed {}, rows deleted {} ({})", r.rawTotal(), r.rowsTotal(), audited);
            return r;
        } catch (RuntimeException e) {
            audit.record(new AuditRecord("D", "retention-purge", who, role, null, "hub-message-store",
                    AuditRecord.Outcome.SERIOUS_FAILURE, "purge failed: " + e.getClass().getSimpleName()));
            throw e;
        }
    }

    static String describe(RetentionService.Result r) {
        return "raw removed " + r.rawTotal() + ", rows deleted " + r.rowsTotal() + " ("
                + r.perConnector().stream().map(c -> c.connector() + ": " + c.rawToPurge() + "/" + c.rowsToDelete())
                        .collect(Collectors.joining(", ")) + "), identity checks deleted " + r.identityWork().checks()
                + ", identity tasks deleted " + r.identityWork().tasks();
    }
}
