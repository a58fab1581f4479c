package fr.crt.hub.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Identity vigilance ({@code hub.identity}).
 *
 * @param checksEnabled run the INSi check worker from the start (checks are always recorded, so switching it on
 *                      later, {@link IdentityCheckWorker#setRunning}, loses none)
 * @param pollInterval  how often the worker looks for due checks
 * @param batchSize     checks claimed per poll
 * @param lease         how long a claimed check belongs to its worker (a stopped worker's checks come back after it)
 * @param retryDelay    first wait after a transient INSi failure; doubled at each attempt up to {@code maxRetryDelay}
 * @param maxRetryDelay longest wait between two attempts
 * @param maxAttempts   transient failures before the check becomes an INSI_FAILED task
 */
@ConfigurationProperties("hub.identity")
public record IdentityProperties(Boolean checksEnabled, Duration pollInterval, Integer batchSize, Duration lease,
                                 Duration retryDelay, Duration maxRetryDelay, Integer maxAttempts) {
    public IdentityProperties {
        if (checksEnabled == null) checksEnabled = true;
        if (pollInterval == null) pollInterval = Duration.ofSeconds(1);
        if (batchSize == null) batchSize = 20;
        if (lease == null) lease = Duration.ofMinutes(2);
        if (retryDelay == null) retryDelay = Duration.ofMinutes(1);
        if (maxRetryDelay == null) maxRetryDelay = Duration.ofHours(1);
        if (maxAttempts == null) maxAttempts = 24;
    }

    /** Wait before attempt {@code attempts + 1}. */
    public Duration backoff(int attempts) {
        long factor = 1L << Math.min(20, Math.max(0, attempts));
        Duration d = retryDelay.multipliedBy(factor);
        return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
    }
}
