package fr.crt.hub.dui;

import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Operators replay through {@code /api}: one message (a linked copy, the original untouched, applied once
 * more without creating a second Patient) and many by filter (a job that reports progress). Auditors may
 * read but not replay.
 */
class ReplayFromTheApiTest extends HubTestBase {

    @Autowired
    MessageStore store;

    private StoredMessage byControlId(String controlId) {
        return store.search(new MessageQuery(null, null, null, null, null, null, controlId, null, 0, 1)).get(0);
    }

    @Test
    void replayOfOneMessageIsALinkedCopyAppliedIdempotently() throws Exception {
        Person p = Person.of(600);
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(AdtMessages.adt("A01", "REPLAY-1", p, "VR600", "MR600", "INSERT")))).isEqualTo("AA");
        }
        StoredMessage original = byControlId("REPLAY-1");
        await().atMost(WAIT).until(() -> store.find(original.id()).orElseThrow().status() == MessageStatus.PROCESSED);

        ResponseEntity<Map<String, Object>> r = admin().exchange("/api/messages/" + original.id() + "/replay", HttpMethod.POST,
                null, new ParameterizedTypeReference<>() {});
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        long copyId = ((Number) r.getBody().get("newId")).longValue();
        await().atMost(WAIT).until(() -> store.find(copyId).orElseThrow().status() == MessageStatus.PROCESSED);

        StoredMessage copy = store.find(copyId).orElseThrow();
        assertThat(copy.replayOf()).isEqualTo(original.id());
        assertThat(copy.sha256()).isEqualTo(original.sha256());
        assertThat(copy.patientRef()).isEqualTo(store.find(original.id()).orElseThrow().patientRef());
        Map<String, Object> patients = getJson("/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.999.170780001.1|" + p.ipp());
        assertThat(((Number) patients.get("total")).intValue()).isEqualTo(1);
        Map<String, Object> detail = getJson("/api/messages/" + original.id());
        List<Object> stages = ((List<?>) detail.get("stages")).stream().map(s -> ((Map<?, ?>) s).get("stage")).map(Object.class::cast)
                .toList();
        assertThat(stages).contains("RECEIVED", "ACK", "WRITTEN", "REPLAYED");
    }

    @Test
    void bulkReplayByFilterReportsProgress() throws Exception {
        String rogue = AdtMessages.adt("A28", "BULK-1", Person.of(601), "V601", null, null)
                .replace("DUI_TILLEULS|TILLEULS", "ROGUE_BULK|NOWHERE");
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(rogue))).isEqualTo("AR");
        }
        ResponseEntity<Map<String, Object>> started = admin().exchange("/api/messages/replay?status=REJECTED&trigger=A28",
                HttpMethod.POST, null, new ParameterizedTypeReference<>() {});
        assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        String job = (String) started.getBody().get("id");
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(getJson("/api/replays/" + job).get("finished")));
        Map<String, Object> done = getJson("/api/replays/" + job);
        assertThat(((Number) done.get("done")).intValue()).isEqualTo(((Number) done.get("total")).intValue()).isPositive();
        // still an unknown sender: refused again, and the refusal is a new stored message linked to the first
        assertThat(((Number) done.get("refused")).intValue()).isPositive();
    }

    @Test
    void aBulkReplayWithoutFilterIsRefused() {
        ResponseEntity<String> r = admin().exchange("/api/messages/replay", HttpMethod.POST, null, String.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void noAnonymousAccessToTheApi() {
        assertThat(rest.getForEntity("/api/messages", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(rest.getForEntity("/fhir/Patient", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(rest.getForEntity("/actuator/prometheus", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(rest.getForEntity("/actuator/health/liveness", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
    }
}
