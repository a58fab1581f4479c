package fr.crt.hub.outbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.OpsUsers;
import fr.crt.hub.support.OutboundTestPartners;
import fr.crt.hub.support.PartnerMllpReceiver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * What a partner answers decides what happens to a message: HL7 AE (and HTTP 503) is retried until AA (200); AR (and
 * HTTP 422 with an OperationOutcome) is a definitive refusal: DEAD_LETTER with the partner's reason, listed by the API,
 * and delivered by a replay once the partner accepts it.
 */
class PartnerAnswersDecideRetryDeadLetterAndReplayTest extends OutboundHubTest {

    final PartnerMllpReceiver ehpad = OutboundTestPartners.ehpad();

    @Autowired
    JdbcUserDetailsManager users;

    @Autowired
    PasswordEncoder encoder;

    @AfterEach
    void partnersAcceptAgain() {
        ehpad.answer(m -> "AA");
    }

    /** A person of the hospital whose circle holds the given partner; returns the hub's id. */
    String personWith(Person p, String finess, String role, String partner) throws Exception {
        send(fromHospital(AdtMessages.adt("A28", "RA-" + run + p.ipp(), p, "V" + run, null, null)));
        String id = hubId(p, HOSPITAL_IPP);
        joinAndWelcome(id, finess, role, partner);
        return id;
    }

    @Test
    void aeIsRetriedUntilTheEhpadAnswersAa() throws Exception {
        Person p = newPerson();
        String id = personWith(p, "170780001", "ehpad", EHPAD);
        AtomicInteger seen = new AtomicInteger();
        ehpad.answer(m -> m.contains("PID|1||" + id + "^") && seen.incrementAndGet() <= 2 ? "AE" : "AA");

        send(fromHospital(AdtMessages.adt("A31", "RB-" + run, p, "V" + run, null, null)));

        await().atMost(WAIT).until(() -> later(ehpad.about(id)).size() == 3);
        List<PartnerMllpReceiver.Received> got = later(ehpad.about(id));
        assertThat(got).extracting(PartnerMllpReceiver.Received::answered).containsExactly("AE", "AE", "AA");
        assertThat(got).extracting(r -> r.field("MSH", 10)).containsOnly(got.get(0).field("MSH", 10));
        await().atMost(WAIT).until(() -> "DELIVERED".equals(later(rows(EHPAD, id)).get(0).get("STATUS")));
        assertThat(((Number) later(rows(EHPAD, id)).get(0).get("ATTEMPTS")).intValue()).isEqualTo(3);
    }

    @Test
    void arIsADeadLetterWithTheReasonAndAReplayDeliversIt() throws Exception {
        OpsUsers.ensure(users, encoder);
        Person p = newPerson();
        String id = personWith(p, "170780001", "ehpad", EHPAD);
        ehpad.answer(m -> m.contains("PID|1||" + id + "^") ? "AR" : "AA");

        send(fromHospital(AdtMessages.adt("A31", "RC-" + run, p, "V" + run, null, null)));

        await().atMost(WAIT).until(() -> !later(rows(EHPAD, id)).isEmpty() && "DEAD_LETTER".equals(later(rows(EHPAD, id)).get(0).get("STATUS")));
        Map<String, Object> dead = later(rows(EHPAD, id)).get(0);
        assertThat((String) dead.get("STATUS_REASON")).contains("AR").contains("test partner says AR");
        assertThat(later(ehpad.about(id))).hasSize(1); // refused once, never retried
        long deadId = ((Number) dead.get("ID")).longValue();
        List<?> listed = admin().getForObject("/api/outbound/messages?partner=" + EHPAD + "&status=DEAD_LETTER&size=500", List.class);
        assertThat(listed).anyMatch(m -> ((Number) ((Map<?, ?>) m).get("id")).longValue() == deadId);

        // an auditor may not replay; the inbound replay refuses an outbound message
        assertThat(rest.withBasicAuth(OpsUsers.AUDITOR, OpsUsers.PASSWORD)
                .postForEntity("/api/outbound/messages/" + deadId + "/replay", null, Map.class).getStatusCode().value()).isEqualTo(403);
        assertThat(admin().postForEntity("/api/messages/" + deadId + "/replay", null, Map.class).getStatusCode().value()).isEqualTo(409);

        ehpad.answer(m -> "AA"); // the partner fixed its side
        var replay = rest.withBasicAuth(OpsUsers.OPERATOR, OpsUsers.PASSWORD)
                .postForEntity("/api/outbound/messages/" + deadId + "/replay", null, Map.class);
        assertThat(replay.getStatusCode().value()).isEqualTo(200);
        long copy = ((Number) replay.getBody().get("newId")).longValue();
        await().atMost(WAIT).until(() -> later(rows(EHPAD, id)).stream().anyMatch(r -> ((Number) r.get("ID")).longValue() == copy
                && "DELIVERED".equals(r.get("STATUS"))));
        assertThat(later(ehpad.about(id))).extracting(PartnerMllpReceiver.Received::answered).containsExactly("AR", "AA");
        assertThat(later(ehpad.about(id)).get(1).er7()).isEqualTo(later(ehpad.about(id)).get(0).er7()); // the same bytes
        // replaying a message still in flight or an unknown one is refused
        assertThat(admin().postForEntity("/api/outbound/messages/999999999/replay", null, Map.class).getStatusCode().value())
                .isEqualTo(404);
    }

    @Test
    void theSsiadsServerErrorIsRetriedAndItsRefusalKeptWithTheOperationOutcome() throws Exception {
        Person retried = newPerson();
        String a = personWith(retried, "170790002", "ssiad", SSIAD);
        Person refused = newPerson();
        String b = personWith(refused, "170790002", "ssiad", SSIAD);
        var wm = OutboundTestPartners.ssiad();
        String scenario = "ssiad-503-" + run;
        wm.stubFor(post("/fhir").atPriority(1).withRequestBody(containing(marker(a))).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("once"));
        wm.stubFor(post("/fhir").atPriority(1).withRequestBody(containing(marker(a))).inScenario(scenario)
                .whenScenarioStateIs("once").willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wm.stubFor(post("/fhir").atPriority(1).withRequestBody(containing(marker(b))).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/fhir+json").withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":"
                        + "[{\"severity\":\"error\",\"code\":\"business-rule\",\"diagnostics\":\"unknown structure " + run + "\"}]}")));

        send(fromHospital(AdtMessages.adt("A31", "RD-" + run, retried, "V" + run, null, null)));
        send(fromHospital(AdtMessages.adt("A31", "RE-" + run, refused, "V" + run, null, null)));

        await().atMost(WAIT).until(() -> !later(rows(SSIAD, a)).isEmpty() && "DELIVERED".equals(later(rows(SSIAD, a)).get(0).get("STATUS")));
        assertThat(((Number) later(rows(SSIAD, a)).get(0).get("ATTEMPTS")).intValue()).isEqualTo(3);
        assertThat(later(ssiadGot(a))).hasSize(3);
        await().atMost(WAIT).until(() -> !later(rows(SSIAD, b)).isEmpty() && "DEAD_LETTER".equals(later(rows(SSIAD, b)).get(0).get("STATUS")));
        assertThat((String) later(rows(SSIAD, b)).get(0).get("STATUS_REASON")).startsWith("HTTP 422").contains("unknown structure " + run);
        assertThat(later(ssiadGot(b))).hasSize(1);
    }
}
