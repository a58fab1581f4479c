package fr.crt.hub.alerts;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Alerting.
 *
 * @param rulesFile  the rules ({@code ./mappings/alert-rules.yaml} by default)
 * @param mailTo     recipients of the alert mails (none: alerts are only shown in the console and the API)
 * @param mailFrom   sender address (default {@code crt-hub@localhost}); the SMTP server is {@code spring.mail.*}
 */
@ConfigurationProperties("hub.alerts")
public record AlertProperties(Path rulesFile, List<String> mailTo, String mailFrom) {
    public AlertProperties {
        if (rulesFile == null) rulesFile = Path.of("mappings", "alert-rules.yaml");
        mailTo = mailTo == null ? List.of() : mailTo.stream().filter(s -> s != null && !s.isBlank()).map(String::trim).toList();
        if (mailFrom == null || mailFrom.isBlank()) mailFrom = "crt-hub@localhost";
    }
}
