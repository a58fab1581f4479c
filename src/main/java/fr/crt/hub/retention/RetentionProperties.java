package fr.crt.hub.retention;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Retention of the message store (raw transport copies), hub-wide defaults; a connector file may set its own
 * ({@code retention: { rawDays: 90, rowDays: 3650 }}).
 *
 * @param rawDays          default days the raw bytes are kept after receipt (default 90)
 * @param rowDays          default days the message row is kept; null or 0 = rows are kept (default)
 * @param failedGraceDays  extra days for REJECTED and DEAD_LETTER messages, left for repair and replay (default 30)
 * @param cron             when the purge job runs (Spring cron, default 02:30 every night); "-" disables it
 * @param batchSize        rows changed per transaction (default 1000)
 * @param identityDays     days finished identity-vigilance work is kept: INSi checks done and tasks resolved this
 *                         long ago (default 365); a check a kept task points to is kept
 */
@ConfigurationProperties("hub.retention")
public record RetentionProperties(Integer rawDays, Integer rowDays, Integer failedGraceDays, String cron, Integer batchSize,
                                  Integer identityDays) {
    public RetentionProperties {
        if (rawDays == null || rawDays < 1) rawDays = 90;
        if (rowDays != null && rowDays < 1) rowDays = null;
        if (failedGraceDays == null || failedGraceDays < 0) failedGraceDays = 30;
        if (cron == null || cron.isBlank()) cron = "0 30 2 * * *";
        if (batchSize == null || batchSize < 1) batchSize = 1000;
        if (identityDays == null || identityDays < 1) identityDays = 365;
    }
}
