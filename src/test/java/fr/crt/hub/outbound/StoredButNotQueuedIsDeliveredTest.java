package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.OutboundTestPartners;
import fr.crt.hub.support.PartnerMllpReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Nothing is lost in a crash between storing an outbound message and queueing it (the queue entry is lost, the row
 * stays QUEUED): the recovery run at start queues it again; and before that, the person's next message does not
 * overtake it — the older pending message is delivered first. The crash is simulated by storing a row without queueing
 * it, as the dispatcher does before its JMS send.
 */
class StoredButNotQueuedIsDeliveredTest extends OutboundHubTest {

    final PartnerMllpReceiver ehpad = OutboundTestPartners.ehpad();

    @Autowired
    OutboundStore store;

    @Autowired
    OutboundPartners partners;

    @Autowired
    OutboundRecovery recovery;

    long orphan(String hubId, String controlId) {
        PartnerOutbound p = partners.byId(EHPAD).orElseThrow();
        String er7 = "MSH|^~\\&|CRT_HUB|CRT|DUI_TILLEULS|TILLEULS|20261125120000||ADT^A31^ADT_A05|" + controlId
                + "|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM\rEVN||20261125120000\r"
                + "PID|1||" + hubId + "^^^CRT-HUB&1.2.250.1.213.1.999.1.1&ISO^PI||ORPHAN^MESSAGE^^^^^L\rPV1|1|N\r";
        return store.record(p, "Patient/" + hubId, null, controlId, "ADT", "A31", er7.getBytes(StandardCharsets.UTF_8),
                List.of(), null, MessageStatus.QUEUED, null).orElseThrow();
    }

    String person(String tag) throws Exception {
        Person p = newPerson();
        send(fromHospital(AdtMessages.adt("A28", tag + run, p, "V" + run, null, null)));
        String id = hubId(p, HOSPITAL_IPP);
        joinAndWelcome(id, "170780001", "ehpad", EHPAD);
        return id;
    }

    @Test
    void theRecoveryQueuesAgainWhatWasStoredButNeverQueued() throws Exception {
        String id = person("RQ-");
        long lost = orphan(id, "ORPH1" + run);

        assertThat(recovery.requeue(Instant.now().plusSeconds(1))).isGreaterThanOrEqualTo(1);

        await().atMost(WAIT).until(() -> later(ehpad.about(id)).size() == 1);
        assertThat(later(ehpad.about(id)).get(0).field("MSH", 10)).isEqualTo("ORPH1" + run);
        await().atMost(WAIT).until(() -> "DELIVERED".equals(later(rows(EHPAD, id)).get(0).get("STATUS")));
        assertThat(((Number) later(rows(EHPAD, id)).get(0).get("ID")).longValue()).isEqualTo(lost);
    }

    @Test
    void thePersonsNextMessageDoesNotOvertakeAnUnqueuedOlderOne() throws Exception {
        Person p = newPerson();
        send(fromHospital(AdtMessages.adt("A28", "RN-" + run, p, "V" + run, null, null)));
        String id = hubId(p, HOSPITAL_IPP);
        joinAndWelcome(id, "170780001", "ehpad", EHPAD);
        orphan(id, "ORPH2" + run);

        send(fromHospital(AdtMessages.adt("A31", "RN2-" + run, p, "V" + run, null, null)));

        await().atMost(WAIT).until(() -> later(ehpad.about(id)).size() == 2);
        assertThat(later(ehpad.about(id)).get(0).field("MSH", 10)).isEqualTo("ORPH2" + run);
        assertThat(later(ehpad.about(id)).get(1).field("MSH", 9)).isEqualTo("ADT^A31^ADT_A05"); // known to the EHPAD already
        await().atMost(WAIT).until(() -> later(rows(EHPAD, id)).stream().allMatch(r -> "DELIVERED".equals(r.get("STATUS"))));
    }
}
