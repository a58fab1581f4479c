package fr.crt.hub.console;

import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Repair in the browser: a bulk replay of what a search by patient matched, with its progress; stopping and starting
 * the processing route from the dashboard (messages wait, then flow); the dead-letter list; a console 404 stays a
 * console page.
 */
class ConsoleRepairTest extends HubTestBase {

    @Autowired
    MessageStore store;

    @Autowired
    ConsoleStats stats;

    @Autowired
    CamelContext camel;


    private StoredMessage byControlId(String controlId) {
        return store.search(new MessageQuery(null, null, null, null, null, null, controlId, null, 0, 1)).get(0);
    }

    @Test
    void bulkReplayOfASearchShowsItsProgressToTheEnd() throws Exception {
        Person p = Person.of(730);
        String run = UUID.randomUUID().toString().substring(0, 8);
        long[] ids = new long[2];
        try (MllpClient c = mllp()) {
            for (int i = 0; i < 2; i++) {
                String msg = AdtMessages.adt("A28", "BULK-" + run + "-" + i, p, "V730", null, null)
                        .replace("DUI_TILLEULS|TILLEULS", "ROGUE_CONSOLE|NOWHERE");
                assertThat(ackCode(c.send(msg))).isEqualTo("AR");
                ids[i] = byControlId("BULK-" + run + "-" + i).id();
            }
        }
        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            b.login("admin", ADMIN_PASSWORD);
            b.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
            b.open("/console/messages");
            b.search(p.ipp());
            assertThat(b.text("result-total")).isEqualTo("2");
            assertThat(b.driver.findElements(By.cssSelector("tr[data-message-id]"))).hasSize(2);
            b.byId("replay-all").click();
            b.driver.switchTo().alert().accept();
            assertThat(b.text("bulk-state")).isEqualTo("terminé");
            assertThat(b.text("bulk-done")).isEqualTo("2");
            assertThat(b.text("bulk-total")).isEqualTo("2");
            // still an unknown sender: refused again, each refusal a new message linked to its original
            assertThat(b.text("bulk-refused")).isEqualTo("2");
            assertThat(b.driver.findElement(By.id("bulk-progress")).getAttribute("value")).isEqualTo("2");
            // one progress block, and the result table still there (the polling swaps only itself)
            assertThat(b.driver.findElements(By.id("bulk"))).hasSize(1);
            assertThat(b.driver.findElements(By.id("results"))).hasSize(1);
            for (long id : ids) assertThat(stats.replaysOf(id)).hasSize(1);
        }
    }

    @Test
    void stoppingTheProcessingRouteHoldsMessagesUntilItStartsAgain() throws Exception {
        String route = "dui-adt-processing";
        String controlId = "HOLD-" + UUID.randomUUID().toString().substring(0, 8);
        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            b.login("admin", ADMIN_PASSWORD);
            b.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
            String row = "tr[data-route='" + route + "']";
            b.driver.findElement(By.cssSelector(row + " button.danger")).click();
            b.until(d -> d.findElement(By.cssSelector(row + " .state")).getText().equals("arrêté"));
            assertThat(camel.getRouteController().getRouteStatus(route)).isEqualTo(ServiceStatus.Stopped);

            try (MllpClient c = mllp()) {
                assertThat(ackCode(c.send(AdtMessages.adt("A28", controlId, Person.of(731), "V731", null, null)))).isEqualTo("AA");
            }
            long id = byControlId(controlId).id();
            // acknowledged and kept, not applied while the route is stopped
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> store.find(id).orElseThrow().status() == MessageStatus.QUEUED);
            // the dashboard shows it waiting (queue gauges and the live fragment both refresh every few seconds)
            b.open("/console/dashboard");
            b.until(d -> Long.parseLong(b.text("queued")) > 0);

            b.driver.findElement(By.cssSelector(row + " button:not(.danger)")).click();
            b.until(d -> d.findElement(By.cssSelector(row + " .state")).getText().equals("en marche"));
            await().atMost(WAIT).until(() -> store.find(id).orElseThrow().status() == MessageStatus.PROCESSED);
        } finally {
            if (!camel.getRouteController().getRouteStatus(route).isStarted()) camel.getRouteController().startRoute(route);
        }
    }

    @Test
    void deadLettersAreListedAndAConsole404StaysInTheConsole() throws Exception {
        String controlId = "DEAD-" + UUID.randomUUID().toString().substring(0, 8);
        // a message whose processing gave up after its retries (as ProcessingFailureHandler.exhausted leaves it)
        long id = store.store(new IncomingMessage("ehpad-les-tilleuls", "ehpad-les-tilleuls", "mllp", Instant.now(), controlId,
                "ADT", "A28", "UTF-8", AdtMessages.adt("A28", controlId, Person.of(732), "V732", null, null)
                .getBytes(StandardCharsets.UTF_8), MessageStatus.QUEUED, null, "AA", null, null, null)).id();
        store.markFailedAttempt(id, MessageStatus.DEAD_LETTER, "retries exhausted: test");
        try (ConsoleBrowser b = new ConsoleBrowser(httpPort)) {
            b.login("admin", ADMIN_PASSWORD);
            b.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
            b.open("/console/dead-letters");
            assertThat(b.driver.findElements(By.cssSelector("tr[data-message-id='" + id + "']"))).hasSize(1);
            assertThat(b.getWithSession("/console/messages/999999999").statusCode()).isEqualTo(404);
            assertThat(b.getWithSession("/console/no-such-page").statusCode()).isEqualTo(404);
        }
    }
}
