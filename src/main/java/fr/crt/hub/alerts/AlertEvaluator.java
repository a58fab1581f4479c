package fr.crt.hub.alerts;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.pki.CertificateView;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Evaluates the alert rules against the store, the connectors and the certificates: raises an alert when a rule's
 * condition starts to hold for a subject, clears it when it stops (or when the subject or the rule is gone), and
 * mails both moments. State lives in {@code hub_alert}, so a restart neither forgets an alert nor mails it twice.
 */
public class AlertEvaluator {

    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);
    public static final String QUEUE_SUBJECT = "queue";

    private final JdbcTemplate jdbc;
    private final AlertRules rules;
    private final AlertStore store;
    private final AlertMailer mailer;
    private final Supplier<Collection<Connector>> connectors;
    private final Supplier<List<CertificateView>> certificates;
    private final Clock clock;
    private final Instant startedAt;

    public AlertEvaluator(JdbcTemplate jdbc, AlertRules rules, AlertStore store, AlertMailer mailer,
                          Supplier<Collection<Connector>> connectors, Supplier<List<CertificateView>> certificates, Clock clock) {
        this.jdbc = jdbc;
        this.rules = rules;
        this.store = store;
        this.mailer = mailer;
        this.connectors = connectors;
        this.certificates = certificates;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** What a rule measured for one subject. */
    record Observation(boolean breached, String value) {}

    /** One pass over every rule; returns the alerts active afterwards. */
    /** The rules in force, as read from the rules file (the console shows them read-only). */
    public List<AlertRule> rules() {
        return rules.current();
    }

    public synchronized List<Alert> evaluate() {
        Instant now = clock.instant();
        List<AlertRule> current = rules.current();
        Map<String, AlertRule> byId = new HashMap<>();
        Map<String, Alert> active = new HashMap<>();
        for (Alert a : store.active()) active.put(a.ruleId() + "\u0000" + a.subject(), a);
        for (AlertRule rule : current) {
            byId.put(rule.id(), rule);
            Map<String, Observation> observed;
            try {
                observed = observe(rule, now);
            } catch (RuntimeException e) {
                log.error("alert rule {} not evaluated: {}", rule.id(), e.getClass().getSimpleName());
                // keep its alerts as they are rather than clearing them on a failed look
                active.keySet().removeIf(k -> k.startsWith(rule.id() + "\u0000"));
                continue;
            }
            for (var e : observed.entrySet()) {
                Alert a = active.remove(rule.id() + "\u0000" + e.getKey());
                Observation o = e.getValue();
                if (o.breached() && a == null) {
                    long id = store.raise(rule.id(), rule.kind(), e.getKey(), now, o.value(), rule.threshold());
                    Alert raised = new Alert(id, rule.id(), rule.kind(), e.getKey(), now, null, o.value(), now, rule.threshold());
                    log.warn("alert raised: {} on {} ({})", rule.id(), e.getKey(), o.value());
                    mailer.send("RAISED", raised, rule);
                } else if (o.breached()) {
                    store.touch(a.id(), now, o.value());
                } else if (a != null) {
                    clear(a, now, o.value(), rule);
                }
            }
        }
        // active alerts no rule observed any more: subject gone (file removed, connector removed) or rule removed
        for (Alert a : active.values()) clear(a, now, "no longer observed", byId.get(a.ruleId()));
        return store.active();
    }

    private void clear(Alert a, Instant now, String value, AlertRule rule) {
        store.clear(a.id(), now, value);
        log.info("alert cleared: {} on {}", a.ruleId(), a.subject());
        mailer.send("CLEARED", new Alert(a.id(), a.ruleId(), a.kind(), a.subject(), a.raisedAt(), now, value, now,
                a.description()), rule);
    }

    Map<String, Observation> observe(AlertRule rule, Instant now) {
        Map<String, Observation> out = new LinkedHashMap<>();
        switch (rule.kind()) {
            case AlertRule.SILENT -> {
                for (Connector c : connectors.get()) {
                    if (!rule.watches(c.id())) continue;
                    Timestamp last = jdbc.queryForObject("SELECT MAX(received_at) FROM hub_message WHERE connector = ?",
                            Timestamp.class, c.id());
                    Instant since = last == null || last.toInstant().isBefore(startedAt) ? startedAt : last.toInstant();
                    Duration silent = Duration.between(since, now);
                    String value = (last == null ? "no message since the hub started" : "last message at " + last.toInstant())
                            + ", silent " + (silent.toSeconds() < 120 ? silent.toSeconds() + " s" : silent.toMinutes() + " min");
                    out.put(c.id(), new Observation(silent.compareTo(rule.silentDuration()) > 0, value));
                }
            }
            case AlertRule.ERROR_RATE -> {
                Timestamp from = Timestamp.from(now.minus(rule.windowDuration()));
                for (Connector c : connectors.get()) {
                    if (!rule.watches(c.id())) continue;
                    Map<String, Object> row = jdbc.queryForMap("SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN status IN"
                            + " ('REJECTED','DEAD_LETTER') THEN 1 ELSE 0 END), 0) AS failed FROM hub_message"
                            + " WHERE connector = ? AND received_at >= ?", c.id(), from);
                    long total = ((Number) row.get("total")).longValue();
                    long failed = ((Number) row.get("failed")).longValue();
                    double pct = total == 0 ? 0 : failed * 100.0 / total;
                    out.put(c.id(), new Observation(total >= rule.minMessages() && pct > rule.abovePercent(),
                            String.format(java.util.Locale.ROOT, "%.1f %% (%d of %d messages)", pct, failed, total)));
                }
            }
            case AlertRule.QUEUE_DEPTH -> {
                Long depth = jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE status IN ('QUEUED','RETRYING')", Long.class);
                long d = depth == null ? 0 : depth;
                out.put(QUEUE_SUBJECT, new Observation(d > rule.above(), d + " messages waiting"));
            }
            default -> {
                for (CertificateView v : certificates.get()) {
                    if (v.revoked()) continue;
                    out.put(v.alias(), new Observation(v.daysLeft() < rule.underDays(),
                            (v.expired() ? "expired" : v.daysLeft() + " days left") + " (ends " + v.notAfter() + ")"));
                }
            }
        }
        return out;
    }
}
