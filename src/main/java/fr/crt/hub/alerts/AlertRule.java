package fr.crt.hub.alerts;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;

/**
 * One line of {@code mappings/alert-rules.yaml}. Which settings apply depends on {@code kind} (see the file header);
 * a rule missing the setting its kind needs is refused when the file is read.
 */
public record AlertRule(String id, String kind, List<String> connectors, String silentFor, String window,
                        Double abovePercent, Integer minMessages, Long above, Integer underDays) {

    public static final String SILENT = "connector-silent";
    public static final String ERROR_RATE = "error-rate";
    public static final String QUEUE_DEPTH = "queue-depth";
    public static final String CERTIFICATE = "certificate-expiry";
    static final Set<String> KINDS = Set.of(SILENT, ERROR_RATE, QUEUE_DEPTH, CERTIFICATE);

    public AlertRule {
        if (id == null || !id.matches("[a-z0-9][a-z0-9\\-]{0,63}")) throw new IllegalArgumentException("rule id must be lower-case letters, digits, '-' (got " + id + ")");
        if (kind == null || !KINDS.contains(kind)) throw new IllegalArgumentException("rule " + id + ": kind must be one of " + KINDS);
        connectors = connectors == null ? List.of() : List.copyOf(connectors);
        switch (kind) {
            case SILENT -> positive(duration(silentFor, "silentFor"), "silentFor");
            case ERROR_RATE -> {
                positive(duration(window, "window"), "window");
                if (abovePercent == null || abovePercent < 0 || abovePercent >= 100) throw new IllegalArgumentException("rule " + id + ": abovePercent must be in [0, 100)");
                if (minMessages == null) minMessages = 1;
                if (minMessages < 1) throw new IllegalArgumentException("rule " + id + ": minMessages must be at least 1");
            }
            case QUEUE_DEPTH -> {
                if (above == null || above < 0) throw new IllegalArgumentException("rule " + id + ": above must be 0 or more");
            }
            default -> {
                if (underDays == null || underDays < 1) throw new IllegalArgumentException("rule " + id + ": underDays must be at least 1");
            }
        }
    }

    public Duration silentDuration() {
        return duration(silentFor, "silentFor");
    }

    public Duration windowDuration() {
        return duration(window, "window");
    }

    /** Whether this rule watches connector {@code id}. */
    public boolean watches(String connectorId) {
        return connectors.isEmpty() || connectors.contains(connectorId);
    }

    /** The threshold in words, for the mail and the API. */
    public String threshold() {
        return switch (kind) {
            case SILENT -> "silent for more than " + silentFor;
            case ERROR_RATE -> "errors above " + abovePercent + " % over " + window + " (at least " + minMessages + " messages)";
            case QUEUE_DEPTH -> "more than " + above + " messages waiting";
            default -> "fewer than " + underDays + " days of validity left";
        };
    }

    private Duration duration(String text, String field) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("rule " + id + ": " + field + " is required");
        try {
            return DurationStyle.detectAndParse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule " + id + ": " + field + " is not a duration (30s, 15m, 2h, 1d)");
        }
    }

    private void positive(Duration d, String field) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("rule " + id + ": " + field + " must be positive");
    }
}
