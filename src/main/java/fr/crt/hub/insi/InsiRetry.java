package fr.crt.hub.insi;

/** Bounded attempts with a doubling pause (first pause {@code backoffMs}), for one INSi call. */
final class InsiRetry {
    private final int maxAttempts;
    private long pauseMs;
    private int attempt = 1;

    InsiRetry(InsiEndpoint.Retry settings) {
        this.maxAttempts = settings.maxAttempts();
        this.pauseMs = settings.backoffMs();
    }

    /** Waits before the next attempt; false when the attempts are spent (or the thread is interrupted). */
    boolean pauseBeforeNext() {
        if (attempt >= maxAttempts) return false;
        attempt++;
        try {
            if (pauseMs > 0) Thread.sleep(pauseMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        pauseMs = Math.min(pauseMs * 2, 10_000);
        return true;
    }
}
