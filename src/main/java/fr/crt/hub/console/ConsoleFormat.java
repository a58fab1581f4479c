package fr.crt.hub.console;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/** Times and durations as the console shows them ({@code ${@consoleFormat.time(x)}} in templates). */
@Component("consoleFormat")
public class ConsoleFormat {

    private final DateTimeFormatter formatter;

    public ConsoleFormat(ConsoleProperties properties) {
        this.formatter = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss").withZone(properties.zone());
    }

    public String time(Instant t) {
        return t == null ? "—" : formatter.format(t);
    }

    /** An ISO-8601 instant as text (e.g. an audit line's "when"), in the console's zone; unreadable text as is. */
    public String isoTime(String iso) {
        if (iso == null) return "—";
        try {
            return time(Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    public String duration(Duration d) {
        if (d == null) return "—";
        long s = d.toSeconds();
        if (s < 60) return s + " s";
        if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
        if (s < 86_400) return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        return (s / 86_400) + " j " + (s % 86_400 / 3600) + " h";
    }

    public String since(Instant t) {
        return t == null ? "—" : duration(Duration.between(t, Instant.now()));
    }
}
