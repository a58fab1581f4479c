package fr.crt.hub.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMailUtil;
import fr.crt.hub.pki.CertificateInventory;
import fr.crt.hub.pki.TestPki;
import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.OpsUsers;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * Alert mails from the running hub (rules: src/test/resources/alerts/alert-rules-test.yaml; SMTP: GreenMail started in
 * support.HubTestCommon): a silent partner, a deep queue and a certificate near its end each raise an alert and a mail,
 * then clear it with another mail; the mails name the rule, the subject and the value, never a person.
 */
class AlertMailsTest extends HubTestBase {

    @Autowired
    AlertEvaluator evaluator;
    @Autowired
    MessageStore store;
    @Autowired
    CertificateInventory certificates;
    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;

    private boolean active(String rule, String subject) {
        return evaluator.evaluate().stream().anyMatch(a -> a.ruleId().equals(rule) && a.subject().equals(subject));
    }

    private static List<MimeMessage> mails(String subject) {
        return Arrays.stream(smtp().getReceivedMessages()).filter(m -> {
            try {
                return subject.equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    private static MimeMessage awaitMail(String subject, int count) {
        await().atMost(WAIT).until(() -> mails(subject).size() >= count);
        return mails(subject).get(count - 1);
    }

    private void sendAsChuX(String controlId, Person p) throws Exception {
        try (MllpClient c = mllp()) {
            c.send(AdtMessages.adt("A01", controlId, p, "V" + controlId, "M" + controlId, "INSERT").replace("DUI_TILLEULS|TILLEULS", "GAM|CHU-X"));
        }
        assertThat(store.search(new MessageQuery(null, null, null, null, null, null, controlId, null, 0, 1)))
                .singleElement().satisfies(m -> assertThat(m.connector()).isEqualTo("chu-x-gam"));
    }

    /**
     * Removes this class's CHU-X messages once processed: other tests of the shared hub count CHU-X's messages
     * (AnsSamplesOverMllpTest expects exactly its samples).
     */
    @AfterEach
    void forgetTestMessages() {
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE control_id LIKE 'ALERT-%'"
                + " AND status IN ('QUEUED','RETRYING')", Long.class) == 0);
        jdbc.update("DELETE FROM hub_message WHERE control_id LIKE 'ALERT-%'");
    }

    @Test
    void aSilentPartnerRaisesAnAlertByMailAndItsNextMessageClearsIt() throws Exception {
        Person p = Person.of(7401);
        sendAsChuX("ALERT-SILENT-1", p);
        assertThat(active("test-silent", "chu-x-gam")).isFalse();
        int raisedBefore = mails("[CRT Hub] RAISED: test-silent - chu-x-gam").size();
        int clearedBefore = mails("[CRT Hub] CLEARED: test-silent - chu-x-gam").size();

        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> active("test-silent", "chu-x-gam"));
        MimeMessage raised = awaitMail("[CRT Hub] RAISED: test-silent - chu-x-gam", raisedBefore + 1);
        assertThat(raised.getAllRecipients()[0].toString()).isEqualTo(ALERT_MAIL_TO);
        String body = GreenMailUtil.getBody(raised);
        assertThat(body).contains("chu-x-gam", "silent for more than 15s", "last message at");
        assertThat(body).doesNotContain(p.nir(), p.ipp(), p.birthName(), "PID", "ALERT-SILENT-1");

        sendAsChuX("ALERT-SILENT-2", p);
        assertThat(active("test-silent", "chu-x-gam")).isFalse();
        assertThat(GreenMailUtil.getBody(awaitMail("[CRT Hub] CLEARED: test-silent - chu-x-gam", clearedBefore + 1)))
                .doesNotContain(p.nir(), p.birthName());

        OpsUsers.ensure(users, encoder);
        ResponseEntity<Map<String, Object>> api = rest.withBasicAuth(OpsUsers.OPERATOR, OpsUsers.PASSWORD)
                .exchange("/api/alerts", HttpMethod.GET, null, new ParameterizedTypeReference<>() {});
        assertThat(api.getStatusCode()).isEqualTo(HttpStatus.OK);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recent = (List<Map<String, Object>>) api.getBody().get("recent");
        assertThat(recent).anySatisfy(a -> {
            assertThat(a).containsEntry("rule", "test-silent").containsEntry("subject", "chu-x-gam");
            assertThat(a.get("clearedAt")).isNotNull();
        });
        assertThat(rest.withBasicAuth(OpsUsers.AUDITOR, OpsUsers.PASSWORD).getForEntity("/api/alerts", String.class)
                .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        for (String bad : List.of("?days=0", "?days=91", "?days=week", "?days=-1")) {
            ResponseEntity<Map<String, Object>> r = admin().exchange("/api/alerts" + bad, HttpMethod.GET, null,
                    new ParameterizedTypeReference<>() {});
            assertThat(r.getStatusCode()).as(bad).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody()).containsEntry("field", "days");
        }
    }

    @Test
    void aDeepQueueRaisesAnAlertUntilItDrains() {
        int raisedBefore = mails("[CRT Hub] RAISED: test-queue - queue").size();
        int clearedBefore = mails("[CRT Hub] CLEARED: test-queue - queue").size();
        List<Long> stuck = new ArrayList<>();
        try {
            // acknowledged but never handed to the consumers: what a stalled processing looks like from the store
            for (int i = 0; i < 3; i++) {
                stuck.add(store.store(new IncomingMessage("ehpad-les-tilleuls", "ehpad-les-tilleuls", "mllp", Instant.now(),
                        "ALERT-Q-" + i, "ADT", "A08", "UTF-8", "MSH|stuck".getBytes(StandardCharsets.UTF_8), MessageStatus.QUEUED,
                        null, "AA", null, null, null)).id());
            }
            assertThat(active("test-queue", "queue")).isTrue();
            String body = GreenMailUtil.getBody(awaitMail("[CRT Hub] RAISED: test-queue - queue", raisedBefore + 1));
            assertThat(body).containsPattern("Value: +\\d+ messages waiting").contains("more than 2 messages waiting");
            assertThat(getJson("/api/alerts").get("active").toString()).contains("test-queue");
        } finally {
            stuck.forEach(id -> store.markStatus(id, MessageStatus.REJECTED, "alert test clean-up"));
        }
        assertThat(active("test-queue", "queue")).isFalse();
        awaitMail("[CRT Hub] CLEARED: test-queue - queue", clearedBefore + 1);
    }

    @Test
    void aCertificateNearItsEndRaisesAnAlertUntilItIsReplaced() throws Exception {
        Instant now = Instant.now();
        Path work = Files.createTempDirectory("alert-pki");
        Path soon = TestPki.issueClient(pkiDir, work, "alert-soon", "alert-partner", "EHPAD Alerte", "170000001",
                now.minus(Duration.ofDays(360)), now.plus(Duration.ofDays(5)));
        Path inHub = pkiDir.resolve("alert-soon.p12");
        try {
            Files.copy(soon, inHub);
            certificates.refresh();
            assertThat(active("test-certificate", "alert-soon")).isTrue();
            String body = GreenMailUtil.getBody(awaitMail("[CRT Hub] RAISED: test-certificate - alert-soon", 1));
            assertThat(body).containsPattern("Value: +[45] days left").contains("fewer than 20 days");
        } finally {
            Files.deleteIfExists(inHub);
            certificates.refresh();
        }
        assertThat(active("test-certificate", "alert-soon")).isFalse();
        awaitMail("[CRT Hub] CLEARED: test-certificate - alert-soon", 1);
    }
}
