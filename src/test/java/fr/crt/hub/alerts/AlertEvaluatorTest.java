package fr.crt.hub.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The error-rate rule end to end without Spring: messages in an H2 store migrated by the hub's scripts, a moving clock,
 * a real SMTP server (GreenMail). Raised above the threshold (and only with enough messages), cleared below it and
 * when the rule is removed; one mail each time, carrying no message content.
 */
class AlertEvaluatorTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    JdbcTemplate jdbc;
    MessageStore store;
    MovingClock clock = new MovingClock(Instant.parse("2026-11-25T10:00:00Z"));
    Path rulesFile;
    AlertEvaluator evaluator;
    final Connector partner = new Connector("err-partner", "Err", "ehpad", null, null, List.of(), null, null, null);

    static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        String url = "jdbc:h2:mem:alerts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;MODE=LEGACY";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/h2").table("hub_schema_history").load().migrate();
        SingleConnectionDataSource ds = new SingleConnectionDataSource(url, "sa", "", true);
        jdbc = new JdbcTemplate(ds);
        store = new MessageStore(jdbc, new DataSourceTransactionManager(ds));
        rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, "rules:\n  - { id: errors, kind: error-rate, window: 1h, abovePercent: 20, minMessages: 5 }\n");
        JavaMailSenderImpl mail = new JavaMailSenderImpl();
        mail.setHost("127.0.0.1");
        mail.setPort(smtp.getSmtp().getPort());
        evaluator = new AlertEvaluator(jdbc, new AlertRules(rulesFile), new AlertStore(jdbc),
                new AlertMailer(mail, List.of("ops@crt.test"), "hub@crt.test"), () -> List.of(partner), List::of, clock);
    }

    private void messages(int n, MessageStatus status) {
        for (int i = 0; i < n; i++) {
            store.store(new IncomingMessage("err-partner", "err-partner", "mllp", clock.instant().minusSeconds(60), "C" + UUID.randomUUID(),
                    "ADT", "A01", "UTF-8", "MSH|^~\\&|PID|DUPONT^JEANNE".getBytes(StandardCharsets.UTF_8), status, null, "AA",
                    null, null, null));
        }
    }

    @Test
    void errorRateIsRaisedAboveTheThresholdAndClearedBelowIt() throws Exception {
        messages(1, MessageStatus.PROCESSED);
        messages(2, MessageStatus.REJECTED);
        assertThat(evaluator.evaluate()).as("66 % but only 3 messages (minMessages 5)").isEmpty();

        messages(2, MessageStatus.DEAD_LETTER);
        List<Alert> active = evaluator.evaluate();
        assertThat(active).singleElement().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("errors");
            assertThat(a.subject()).isEqualTo("err-partner");
            assertThat(a.lastValue()).isEqualTo("80.0 % (4 of 5 messages)");
        });
        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage raised = smtp.getReceivedMessages()[0];
        assertThat(raised.getSubject()).isEqualTo("[CRT Hub] RAISED: errors - err-partner");
        String body = GreenMailUtil.getBody(raised);
        assertThat(body).contains("80.0 % (4 of 5 messages)", "errors above 20.0 % over 1h").doesNotContain("DUPONT", "MSH");

        assertThat(evaluator.evaluate()).hasSize(1); // still breached: no second mail
        messages(15, MessageStatus.PROCESSED);
        assertThat(evaluator.evaluate()).isEmpty(); // 4 of 20 = 20 %, not above
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        assertThat(smtp.getReceivedMessages()[1].getSubject()).isEqualTo("[CRT Hub] CLEARED: errors - err-partner");
        assertThat(new AlertStore(jdbc).recent(clock.instant().minus(Duration.ofDays(1)), 10)).singleElement()
                .satisfies(a -> assertThat(a.clearedAt()).isEqualTo(clock.instant()));
    }

    @Test
    void messagesOutsideTheWindowDoNotCountAndARemovedRuleClearsItsAlert() throws Exception {
        messages(5, MessageStatus.REJECTED);
        assertThat(evaluator.evaluate()).hasSize(1);
        clock.now = clock.now.plus(Duration.ofHours(2)); // the failures leave the 1 h window
        assertThat(evaluator.evaluate()).isEmpty();

        messages(5, MessageStatus.REJECTED);
        assertThat(evaluator.evaluate()).hasSize(1);
        Files.writeString(rulesFile, "rules: []\n");
        Files.setLastModifiedTime(rulesFile, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(evaluator.evaluate()).isEmpty();
        assertThat(smtp.waitForIncomingEmail(10_000, 4)).isTrue();
        assertThat(smtp.getReceivedMessages()[3].getSubject()).isEqualTo("[CRT Hub] CLEARED: errors - err-partner");
        assertThat(GreenMailUtil.getBody(smtp.getReceivedMessages()[3])).contains("(rule removed)");
    }
}
