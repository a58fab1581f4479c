package fr.crt.hub.alerts;

import java.time.Instant;

/** One raise of one rule for one subject; active while {@code clearedAt} is null. */
public record Alert(long id, String ruleId, String kind, String subject, Instant raisedAt, Instant clearedAt,
                    String lastValue, Instant lastCheckedAt, String description) {

    public boolean active() {
        return clearedAt == null;
    }
}
