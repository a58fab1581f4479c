package fr.crt.hub.retention;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.OpsUsers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * Retention of raw messages per connector ({@code connectors/*.yaml}: Les Tilleuls rawDays 90; CHU-X rawDays 30,
 * rowDays 365; others the hub default 90): the dry run counts, the real purge (ADMIN only) removes exactly those raw
 * copies and rows, never a message still to be processed, and is audited with counts only.
 */
class RetentionPurgeTest extends HubTestBase {

    @Autowired
    MessageStore store;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    PasswordEncoder encoder;

    private long stored(String connector, MessageStatus status, int daysAgo, String controlId) {
        return store.store(new IncomingMessage(connector, connector, "mllp", Instant.now().minus(Duration.ofDays(daysAgo)),
                controlId, "ADT", "A01", "UTF-8", ("MSH|^~\\&|RETENTION|" + controlId).getBytes(StandardCharsets.UTF_8), status,
                null, "AA", null, null, null)).id();
    }

    private ResponseEntity<Map<String, Object>> purge(String query, boolean asAdmin) {
        var client = asAdmin ? admin() : rest.withBasicAuth(OpsUsers.OPERATOR, OpsUsers.PASSWORD);
        return client.exchange("/api/retention/purge" + query, HttpMethod.POST, null, new ParameterizedTypeReference<>() {});
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> policy(Map<String, Object> view, String connector) {
        return ((List<Map<String, Object>>) view.get("policies")).stream().filter(p -> connector.equals(p.get("connector")))
                .findFirst().orElseThrow();
    }

    @Test
    void purgeRemovesExactlyWhatTheDryRunCountedAndIsAudited() {
        OpsUsers.ensure(users, encoder);
        long oldDone = stored("ehpad-les-tilleuls", MessageStatus.PROCESSED, 100, "RET-1");
        long recent = stored("ehpad-les-tilleuls", MessageStatus.PROCESSED, 10, "RET-2");
        long oldQueued = stored("ehpad-les-tilleuls", MessageStatus.QUEUED, 100, "RET-3");
        long deadInGrace = stored("ehpad-les-tilleuls", MessageStatus.DEAD_LETTER, 100, "RET-4");
        long deadPastGrace = stored("ehpad-les-tilleuls", MessageStatus.DEAD_LETTER, 130, "RET-5");
        long veryOldChu = stored("chu-x-gam", MessageStatus.PROCESSED, 400, "RET-6");
        long oldChu = stored("chu-x-gam", MessageStatus.PROCESSED, 40, "RET-7");
        long unknownSender = stored(null, MessageStatus.REJECTED, 200, "RET-8");
        long duplicate = stored("ehpad-les-tilleuls", MessageStatus.DUPLICATE, 95, "RET-9");
        try {
            Map<String, Object> view = getJson("/api/retention");
            assertThat(policy(view, "ehpad-les-tilleuls")).containsEntry("rawDays", 90).containsEntry("rowDays", null)
                    .containsEntry("rawToPurge", 3).containsEntry("rowsToDelete", 0).containsEntry("ownSetting", true);
            assertThat(policy(view, "chu-x-gam")).containsEntry("rawDays", 30).containsEntry("rowDays", 365)
                    .containsEntry("rawToPurge", 2).containsEntry("rowsToDelete", 1);
            assertThat(policy(view, RetentionService.OTHER)).containsEntry("rawDays", 90).containsEntry("rawToPurge", 1);

            ResponseEntity<Map<String, Object>> dry = purge("?dryRun=true", true);
            assertThat(dry.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(dry.getBody()).containsEntry("dryRun", true).containsEntry("rawPurged", 6).containsEntry("rowsDeleted", 1);
            assertThat(store.raw(oldDone).orElseThrow()).isNotEmpty();

            assertThat(purge("?dryRun=false", false).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(store.raw(oldDone).orElseThrow()).isNotEmpty();

            ResponseEntity<Map<String, Object>> real = purge("?dryRun=false", true);
            assertThat(real.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(real.getBody()).containsEntry("dryRun", false).containsEntry("rawPurged", 6).containsEntry("rowsDeleted", 1);

            for (long id : List.of(oldDone, deadPastGrace, oldChu, unknownSender, duplicate)) {
                assertThat(store.raw(id)).as("message %d", id).isEmpty();
                assertThat(jdbc.queryForObject("SELECT raw_purged_at FROM hub_message WHERE id = ?", java.sql.Timestamp.class, id))
                        .isNotNull();
                assertThat(store.find(id)).isPresent(); // the row (metadata, stages) stays
            }
            for (long id : List.of(recent, oldQueued, deadInGrace)) {
                assertThat(store.raw(id).orElseThrow()).as("message %d", id).isNotEmpty();
            }
            assertThat(store.find(veryOldChu)).isEmpty();
            // a purged message cannot be replayed: a clear refusal, not a REJECTED copy made of empty bytes
            ResponseEntity<Map<String, Object>> replay = admin().exchange("/api/messages/" + oldDone + "/replay",
                    HttpMethod.POST, null, new ParameterizedTypeReference<>() {});
            assertThat(replay.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
            assertThat((String) replay.getBody().get("error")).contains("purged");

            Map<String, Object> after = getJson("/api/retention");
            assertThat(policy(after, "ehpad-les-tilleuls")).containsEntry("rawToPurge", 0);
            assertThat(policy(after, "chu-x-gam")).containsEntry("rawToPurge", 0).containsEntry("rowsToDelete", 0);

            Map<String, Object> audit = rest.withBasicAuth(OpsUsers.AUDITOR, OpsUsers.PASSWORD)
                    .exchange("/api/audit-events?subtype=retention-purge&who=admin", HttpMethod.GET, null,
                            new ParameterizedTypeReference<Map<String, Object>>() {}).getBody();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> lines = (List<Map<String, Object>>) audit.get("items");
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).containsEntry("who", "admin").containsEntry("what", "retention-purge")
                    .containsEntry("outcome", "0").containsEntry("patient", null);
            assertThat((String) lines.get(0).get("reason")).startsWith("raw removed 6, rows deleted 1")
                    .contains("chu-x-gam: 2/1");
        } finally {
            // other tests of the shared hub count the store's rows (queue empty, CHU-X's messages): leave nothing behind
            jdbc.update("DELETE FROM hub_message WHERE control_id LIKE 'RET-%'");
        }
    }

    @Test
    void badOrMissingDryRunIsRefusedAndRolesAreChecked() {
        OpsUsers.ensure(users, encoder);
        for (String q : List.of("", "?dryRun=", "?dryRun=yes", "?dryRun=TRUE", "?dryRun=true&dryRun=false")) {
            ResponseEntity<Map<String, Object>> r = purge(q, true);
            assertThat(r.getStatusCode()).as(q).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody()).as(q).containsEntry("field", "dryRun");
        }
        assertThat(rest.withBasicAuth(OpsUsers.OPERATOR, OpsUsers.PASSWORD).getForEntity("/api/retention", String.class)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(rest.withBasicAuth(OpsUsers.AUDITOR, OpsUsers.PASSWORD).getForEntity("/api/retention", String.class)
                .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(rest.getForEntity("/api/retention", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }
}
