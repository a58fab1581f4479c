package fr.crt.hub.alerts;

import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.pki.CertificateInventory;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.scheduling.annotation.Scheduled;

/** Wires the alerting pieces (plain classes, unit-tested without Spring) and schedules the evaluation. */
@Configuration
public class AlertsConfig {

    @Bean
    AlertStore alertStore(JdbcTemplate jdbc) {
        return new AlertStore(jdbc);
    }

    @Bean
    AlertEvaluator alertEvaluator(JdbcTemplate jdbc, AlertProperties props, AlertStore store, ConnectorRegistry connectors,
                                  CertificateInventory certificates, ObjectProvider<JavaMailSender> mail,
                                  @Value("${hub.home:.}") String home) {
        Path file = props.rulesFile().isAbsolute() ? props.rulesFile() : Path.of(home).resolve(props.rulesFile());
        return new AlertEvaluator(jdbc, new AlertRules(file), store,
                new AlertMailer(mail.getIfAvailable(), props.mailTo(), props.mailFrom()),
                connectors::all, certificates::views, Clock.systemUTC());
    }

    /** Runs the evaluation on its schedule ({@code hub.alerts.interval}, every minute by default). */
    @Configuration
    static class Schedule {
        private final AlertEvaluator evaluator;

        Schedule(AlertEvaluator evaluator) {
            this.evaluator = evaluator;
        }

        @Scheduled(fixedDelayString = "${hub.alerts.interval:60s}", initialDelayString = "${hub.alerts.initial-delay:60s}")
        void run() {
            evaluator.evaluate();
        }
    }
}
