package fr.crt.hub.alerts;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Mails an alert when it is raised and when it clears. The mail names the rule, the subject (a connector id, the
 * queue, a certificate alias), the measured value and the threshold: never a person, never message content.
 * A mail that cannot be sent is logged; the alert stays visible in the console and the API.
 */
public class AlertMailer {

    private static final Logger log = LoggerFactory.getLogger(AlertMailer.class);

    private final JavaMailSender sender;
    private final List<String> to;
    private final String from;

    /** @param sender null when no SMTP server is configured ({@code spring.mail.host}) */
    public AlertMailer(JavaMailSender sender, List<String> to, String from) {
        this.sender = sender;
        this.to = List.copyOf(to);
        this.from = from;
        if (sender == null || to.isEmpty()) log.warn("Alert mails are off: set spring.mail.host and hub.alerts.mail-to");
    }

    public boolean send(String event, Alert alert, AlertRule rule) {
        if (sender == null || to.isEmpty()) return false;
        SimpleMailMessage m = new SimpleMailMessage();
        m.setFrom(from);
        m.setTo(to.toArray(String[]::new));
        m.setSubject("[CRT Hub] " + event + ": " + alert.ruleId() + " - " + alert.subject());
        m.setText(String.join("\n",
                "Alert " + event.toLowerCase(java.util.Locale.ROOT) + ".",
                "",
                "Rule:      " + alert.ruleId() + " (" + alert.kind() + ")",
                "Subject:   " + alert.subject(),
                "Value:     " + alert.lastValue(),
                "Threshold: " + (rule == null ? "(rule removed)" : rule.threshold()),
                "Raised at: " + alert.raisedAt(),
                "Cleared at: " + (alert.clearedAt() == null ? "-" : alert.clearedAt()),
                "",
                "See the console dashboard or GET /api/alerts."));
        try {
            sender.send(m);
            return true;
        } catch (MailException e) {
            log.error("alert mail for {} / {} not sent: {}", alert.ruleId(), alert.subject(), e.getClass().getSimpleName());
            return false;
        }
    }
}
