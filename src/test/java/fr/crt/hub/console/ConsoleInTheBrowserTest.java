package fr.crt.hub.console;

import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.TokenParam;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The console in headless chromium against the shared hub on its real HTTP and MLLP ports: an administrator finds a
 * message that failed, sent over MLLP by the test, through a search by patient; sees it masked, reveals it with a
 * reason (an AuditEvent is stored), fixes and replays it and sees the copy PROCESSED. Roles, lockout and CSRF are
 * checked the way a browser (or a forged request) would meet them. Screenshots go to target/console-screenshots/.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleInTheBrowserTest extends HubTestBase {

    @Autowired
    MessageStore store;

    @Autowired
    CanonicalRepository canonical;

    @Autowired
    ConsoleStats stats;

    @Autowired
    JdbcTemplate jdbc;

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private StoredMessage byControlId(String controlId) {
        return store.search(new MessageQuery(null, null, null, null, null, null, controlId, null, 0, 1)).get(0);
    }

    /** An ADT^A01 whose NIR key is wrong: refused AE on PID-3 at the door, kept in the store for repair. */
    private static String withBadNirKey(Person p, String controlId) {
        return AdtMessages.adt("A01", controlId, p.withNir(badNir(p)), "V" + controlId, "M" + controlId, "INSERT");
    }

    private static String badNir(Person p) {
        return p.nir().substring(0, 13) + String.format("%02d", (Integer.parseInt(p.nir().substring(13)) % 97) + 1);
    }

    @Test
    void adminFindsAFailedMessageRevealsItFixesItAndSeesTheCopyProcessed(CapturedOutput output) throws Exception {
        Person p = Person.of(710);
        String controlId = unique("CONSOLE-");
        String bad = withBadNirKey(p, controlId);
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(bad))).isEqualTo("AE");
        }
        StoredMessage original = byControlId(controlId);
        assertThat(original.status()).isEqualTo(MessageStatus.REJECTED);

        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            b.login("admin", ADMIN_PASSWORD);
            b.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
            assertThat(b.byId("connectors").getText()).contains("ehpad-les-tilleuls", "chu-x-gam");
            assertThat(b.byId("routes").getText()).contains("dui-adt-inbound", "dui-adt-processing");
            assertThat(Long.parseLong(b.byId("hour-failed").getText())).isPositive();
            // live: htmx re-reads the figures without a page reload
            String firstUpdate = b.byId("updated-at").getText();
            ((JavascriptExecutor) b.driver).executeScript("window.notReloaded = true");
            b.until(d -> !d.findElement(By.id("updated-at")).getText().equals(firstUpdate));
            assertThat(((JavascriptExecutor) b.driver).executeScript("return window.notReloaded")).isEqualTo(true);
            b.screenshot("dashboard");

            // search by patient: the local id goes in the form body, never in the URL
            b.open("/console/messages");
            b.search(p.ipp());
            assertThat(b.text("result-total")).isEqualTo("1");
            assertThat(b.driver.findElements(By.cssSelector("tr[data-message-id='" + original.id() + "']"))).hasSize(1);
            assertThat(b.driver.getCurrentUrl()).doesNotContain(p.ipp());
            b.driver.findElement(By.cssSelector("tr[data-message-id='" + original.id() + "'] a.msg-link")).click();

            // detail: masked, error on PID-3 marked
            b.until(d -> d.getCurrentUrl().endsWith("/console/messages/" + original.id()));
            assertThat(b.byId("error-field").getText()).isEqualTo("PID-3");
            String masked = b.byId("raw").getText();
            assertThat(masked).contains("MSH|", "PID|1|", PhiMasker.MASK).doesNotContain(p.ipp(), p.birthName(), p.nir().substring(0, 13));
            assertThat(b.driver.findElements(By.cssSelector("#raw .fld.err"))).hasSize(1);
            assertThat(b.byId("stages").getText()).contains("RECEIVED", "ACK");
            b.screenshot("message-detail");

            // reveal without a reason: refused, nothing shown
            ((JavascriptExecutor) b.driver).executeScript("document.getElementById('reveal-reason').removeAttribute('required')");
            b.byId("reveal").click();
            b.byId("reveal-error");
            assertThat(b.byId("raw").getText()).doesNotContain(p.birthName());

            // reveal with a reason: audited, then shown
            String reason = "EHPAD says admission " + controlId + " never arrived";
            b.byId("reveal-reason").sendKeys(reason);
            b.byId("reveal").click();
            b.until(d -> d.findElement(By.id("raw")).getText().contains(p.birthName()));
            AuditEvent audit = revealAudits().stream().filter(e -> reason.equals(e.getOutcomeDesc())).findFirst().orElseThrow();
            assertThat(audit.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("admin");
            assertThat(audit.getEntity()).anyMatch(e -> ("hub-message/" + original.id()).equals(e.getWhat().getDisplay()));

            // fix the NIR key and replay the edited copy
            WebElement editor = b.byId("edit-raw");
            String text = editor.getAttribute("value");
            assertThat(text).contains(p.ipp());
            String fixed = text.replace(badNir(p), p.nir());
            assertThat(fixed).isNotEqualTo(text);
            ((JavascriptExecutor) b.driver).executeScript("arguments[0].value = arguments[1]", editor, fixed);
            b.byId("edit-submit").click();
            b.until(d -> d.findElements(By.id("replayed-from")).size() == 1);
            long copyId = Long.parseLong(b.byId("message-id").getText());
            assertThat(copyId).isNotEqualTo(original.id());
            assertThat(b.byId("replay-of").getText()).isEqualTo(String.valueOf(original.id()));
            assertThat(b.byId("edited-by").getText()).isEqualTo("admin");

            await().atMost(WAIT).until(() -> store.find(copyId).orElseThrow().status() == MessageStatus.PROCESSED);
            b.driver.navigate().refresh();
            assertThat(b.byId("message-status").getText()).isEqualTo("traité");
            assertThat(b.byId("stages").getText()).contains("WRITTEN");
            b.screenshot("message-replayed");

            // the original is untouched, and links to its copy
            StoredMessage after = store.find(original.id()).orElseThrow();
            assertThat(after.status()).isEqualTo(MessageStatus.REJECTED);
            assertThat(after.sha256()).isEqualTo(original.sha256());
            assertThat(stats.replaysOf(original.id())).contains(copyId);

            // and the same patient search now finds both through the patient index: the refused original and the applied copy
            b.open("/console/messages");
            b.search(p.ipp());
            assertThat(b.text("result-total")).isEqualTo("2");
            assertThat(b.driver.findElements(By.cssSelector("tr[data-message-id='" + copyId + "']"))).hasSize(1);
            assertThat(b.driver.findElements(By.cssSelector("tr[data-message-id='" + original.id() + "']"))).hasSize(1);

            // by INS too (the fixed NIR, resolved through the canonical Patient), and an IPP under another partner is not it
            b.open("/console/messages");
            b.search(p.nir());
            assertThat(b.driver.findElements(By.cssSelector("tr[data-message-id='" + copyId + "']"))).hasSize(1);
            b.open("/console/messages");
            new org.openqa.selenium.support.ui.Select(b.byId("f-partner")).selectByValue("chu-x-gam");
            b.search(p.ipp());
            assertThat(b.text("result-total")).isEqualTo("0");
        }
        // searched, revealed, edited: none of it reached the logs (DESIGN rule 5)
        assertThat(output.getAll()).contains(controlId)
                .doesNotContain(p.ipp(), p.birthName(), p.nir(), badNir(p), "admission " + controlId + " never arrived");
    }

    private List<AuditEvent> revealAudits() {
        return canonical.search(AuditEvent.class, SearchParameterMap.newSynchronous("subtype",
                new TokenParam(AuditTrail.SUBTYPE_SYSTEM, MessageDetailController.REVEAL_SUBTYPE)));
    }

    @Test
    void anOperatorCannotManageUsersAndAnAuditorCannotReplay() throws Exception {
        String operator = unique("op-");
        String auditor = unique("aud-");
        String password = "a-long-enough-password";
        String controlId = unique("ROLES-");
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(withBadNirKey(Person.of(711), controlId)))).isEqualTo("AE");
        }
        long messageId = byControlId(controlId).id();

        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            b.login("admin", ADMIN_PASSWORD);
            createUser(b, operator, password, "OPERATOR");
            createUser(b, auditor, password, "AUDITOR");
            assertThat(b.byId("accounts").getText()).contains(operator, auditor);
            b.logout();

            b.login(operator, password);
            b.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
            assertThat(b.driver.findElements(By.linkText("Utilisateurs"))).isEmpty();
            b.open("/console/users");
            assertThat(b.byId("denied").getText()).isEqualTo("Accès refusé");
            assertThat(b.getWithSession("/console/users").statusCode()).isEqualTo(403);
            assertThat(b.getWithSession("/console/messages/" + messageId).statusCode()).isEqualTo(200);
            b.logout();

            b.login(auditor, password);
            b.until(d -> d.getCurrentUrl().endsWith("/console/audit"));
            String token = b.csrfToken();
            b.open("/console/messages/" + messageId);
            assertThat(b.byId("denied").getText()).isEqualTo("Accès refusé");
            assertThat(b.driver.findElements(By.id("replay"))).isEmpty();
            HttpResponse<String> replay = b.postWithSession("/console/messages/" + messageId + "/replay", token);
            assertThat(replay.statusCode()).isEqualTo(403);
            assertThat(b.postWithSession("/console/messages/" + messageId + "/reveal", token).statusCode()).isEqualTo(403);
            assertThat(stats.replaysOf(messageId)).isEmpty();
            b.logout();

            // an administrator disables the auditor: their password no longer opens the console
            b.login("admin", ADMIN_PASSWORD);
            b.open("/console/users");
            b.driver.findElement(By.cssSelector("tr[data-user='" + auditor + "'] form[action$='/enabled'] button")).click();
            b.byId("users-ok");
            assertThat(b.driver.findElement(By.cssSelector("tr[data-user='" + auditor + "']")).getText()).contains("désactivé");
            b.logout();
            b.login(auditor, password);
            assertThat(b.byId("login-error").isDisplayed()).isTrue();
        }
    }

    /** Posts the audit form and waits for the new page (the previous one already lists recent events). */
    private static void submitAudit(ConsoleBrowser b) {
        WebElement before = b.byId("audit-events");
        b.byId("audit-submit").click();
        b.until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(before)::apply);
    }

    /** ADT^A01 from CHU-X, a partner whose INS the hub trusts: the canonical Patient carries the INS. */
    private static String a01ChuXWithIns(String controlId, Person p) {
        return AdtMessages.msh("GAM", "CHU-X", "ADT^A01^ADT_A01", controlId, "UNICODE UTF-8") + "\rEVN||20261125101500\r"
                + AdtMessages.pid(p, "1.2.250.1.213.1.999.897406.1") + "\rPV1|1|I|^^^CHU-X&897406&M^O||||||||||||||||V" + controlId
                + "^^^CHU-X&1.2.250.1.213.1.999.897406.2&ISO^VN||||||||||||||||||||||||||20261125100000\r";
    }

    @Test
    void anAuditorFindsTheRevealInTheAuditViewerAndAnOperatorCannotPurge() throws Exception {
        Person p = Person.of(713);
        String controlId = unique("AUDIT-");
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(a01ChuXWithIns(controlId, p)))).isEqualTo("AA");
        }
        long messageId = byControlId(controlId).id();
        await().atMost(WAIT).until(() -> store.find(messageId).orElseThrow().patientRef() != null);
        String patientRef = store.find(messageId).orElseThrow().patientRef();
        String operator = unique("op-");
        String auditor = unique("aud-");
        String password = "a-long-enough-password";
        String reason = "admission check " + controlId;

        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            // an administrator reveals the message: the AuditEvent the auditor will look for
            b.login("admin", ADMIN_PASSWORD);
            b.open("/console/messages/" + messageId);
            b.byId("reveal-reason").sendKeys(reason);
            b.byId("reveal").click();
            b.until(d -> d.findElement(By.id("raw")).getText().contains(p.birthName()));
            // the admin sees the purge button, and the dry-run counts per connector
            b.open("/console/retention");
            assertThat(b.byId("policies").getText()).contains("ehpad-les-tilleuls");
            assertThat(b.driver.findElements(By.id("purge-submit"))).hasSize(1);
            b.open("/console/alerts");
            b.byId("alert-rules");
            createUser(b, operator, password, "OPERATOR");
            createUser(b, auditor, password, "AUDITOR");
            b.logout();

            // the auditor: only the audit page; finds the reveal by Patient id and action, by INS and user
            b.login(auditor, password);
            b.until(d -> d.getCurrentUrl().endsWith("/console/audit"));
            assertThat(b.driver.findElements(By.linkText("Rétention"))).isEmpty();
            assertThat(b.getWithSession("/console/retention").statusCode()).isEqualTo(403);
            assertThat(b.getWithSession("/console/alerts").statusCode()).isEqualTo(403);
            b.byId("a-patient").sendKeys(patientRef);
            b.byId("a-subtype").sendKeys(MessageDetailController.REVEAL_SUBTYPE);
            submitAudit(b);
            WebElement line = b.until(d -> d.findElements(By.xpath("//table[@id='audit-events']//tr[td[@class='reason' and text()='"
                    + reason + "']]")).stream().findFirst().orElse(null));
            assertThat(line.getText()).contains("admin", MessageDetailController.REVEAL_SUBTYPE, patientRef, "hub-message/" + messageId);
            assertThat(b.driver.getCurrentUrl()).endsWith("/console/audit");
            b.screenshot("audit");

            b.open("/console/audit");
            b.byId("a-patient").sendKeys(p.nir());
            b.byId("a-who").sendKeys("admin");
            submitAudit(b);
            b.until(d -> d.findElement(By.id("audit-events")).getText().contains(reason));
            assertThat(b.driver.getCurrentUrl()).doesNotContain(p.nir());

            // another person's filter does not show it; a malformed patient is refused with the field named
            b.open("/console/audit");
            b.byId("a-patient").sendKeys("Patient/no-such-" + controlId);
            submitAudit(b);
            b.byId("audit-none");
            assertThat(b.byId("audit-events").getText()).doesNotContain(reason);
            b.open("/console/audit");
            b.byId("a-patient").sendKeys("<script>");
            submitAudit(b);
            assertThat(b.byId("audit-error").getText()).startsWith("Patient");
            b.logout();

            // the operator: retention and alerts read only, no purge button, a forged purge with the CSRF token refused
            b.login(operator, password);
            b.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
            b.byId("dashboard-alerts");
            b.open("/console/retention");
            assertThat(b.byId("policies").getText()).contains("ehpad-les-tilleuls");
            assertThat(b.driver.findElements(By.id("purge-submit"))).isEmpty();
            b.byId("purge-admin-only");
            String token = b.csrfToken();
            assertThat(b.postWithSession("/console/retention/purge", token).statusCode()).isEqualTo(403);
            b.open("/console/alerts");
            b.byId("alert-rules");
            assertThat(b.getWithSession("/console/audit").statusCode()).isEqualTo(403);
        }
        // no retention purge was audited for the operator
        assertThat(canonical.search(AuditEvent.class, SearchParameterMap.newSynchronous("subtype",
                new TokenParam(AuditTrail.SUBTYPE_SYSTEM, "retention-purge"))))
                .noneMatch(e -> operator.equals(e.getAgentFirstRep().getWho().getIdentifier().getValue()));
    }

    private static void createUser(ConsoleBrowser b, String username, String password, String role) {
        b.open("/console/users");
        b.byId("new-username").sendKeys(username);
        b.byId("new-password").sendKeys(password);
        b.byId("new-role-" + role).click();
        b.byId("create-submit").click();
        b.byId("users-ok");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        String controlId = unique("CSRF-");
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(withBadNirKey(Person.of(712), controlId)))).isEqualTo("AE");
        }
        long messageId = byControlId(controlId).id();
        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            b.login("admin", ADMIN_PASSWORD);
            b.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
            HttpResponse<String> forged = b.postWithSession("/console/messages/" + messageId + "/replay", null);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(stats.replaysOf(messageId)).isEmpty();
            // the same request with the page's token goes through: the token was the only thing missing
            HttpResponse<String> genuine = b.postWithSession("/console/messages/" + messageId + "/replay", b.csrfToken());
            assertThat(genuine.statusCode()).isEqualTo(302);
            assertThat(stats.replaysOf(messageId)).hasSize(1);
        }
        // the replay is audited (who is in the AuditEvent, not in the log); the forged one is not
        assertThat(canonical.search(AuditEvent.class, SearchParameterMap.newSynchronous("subtype",
                new TokenParam(AuditTrail.SUBTYPE_SYSTEM, "message-replay"))))
                .filteredOn(e -> e.getEntity().stream().anyMatch(x -> ("hub-message/" + messageId).equals(x.getWhat().getDisplay())))
                .singleElement()
                .satisfies(e -> assertThat(e.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("admin"));
    }

    @Test
    void fiveBadPasswordsLockTheAccountEvenForTheRightPassword() throws Exception {
        String user = unique("lock-");
        String password = "the-right-password-1";
        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            b.login("admin", ADMIN_PASSWORD);
            createUser(b, user, password, "OPERATOR");
            b.logout();
            for (int i = 1; i <= 5; i++) {
                b.login(user, "wrong-" + i);
                b.until(d -> d.getCurrentUrl().contains("/console/login?"));
                if (i < 5) assertThat(b.byId("login-error").getText()).isEqualTo("Identifiant ou mot de passe incorrect.");
            }
            assertThat(b.byId("login-locked").isDisplayed()).isTrue();
            b.login(user, password);
            b.until(d -> d.getCurrentUrl().contains("/console/login?locked"));
            Integer locked = jdbc.queryForObject("SELECT COUNT(*) FROM console_login_failure WHERE username = ? AND locked_until > CURRENT_TIMESTAMP",
                    Integer.class, user);
            assertThat(locked).isEqualTo(1);

            // the English switch, remembered for the next page
            b.byId("lang-en").click();
            b.until(d -> d.findElement(By.id("login-submit")).getText().equals("Sign in"));
            b.open("/console/login");
            assertThat(b.byId("login-submit").getText()).isEqualTo("Sign in");
            b.byId("lang-fr").click();
            b.until(d -> d.findElement(By.id("login-submit")).getText().equals("Se connecter"));
        }
    }
}
