package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.OutboundTestPartners;
import fr.crt.hub.support.PartnerMllpReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "A partner that is down for 10 minutes gets everything, in order, once it is back", compressed: the EHPAD's MLLP
 * server refuses connections while 21 identity changes about 3 persons are made (the test hub retries after 50 ms
 * doubling up to 400 ms, so the outage covers many retry cycles, as 10 minutes do with the production 1 s → 5 min).
 * Meanwhile the SSIAD, in the same circles, gets every change at once. Once the EHPAD listens again it gets each
 * change exactly once, each person's in the order they were made.
 */
class PartnerDownGetsEverythingInOrderOnceBackTest extends OutboundHubTest {

    static final int PERSONS = 3;
    static final int CHANGES_PER_PERSON = 7;

    final PartnerMllpReceiver ehpad = OutboundTestPartners.ehpad();

    @AfterEach
    void ehpadUp() {
        ehpad.up();
    }

    @Test
    void theEhpadGetsEveryChangeOnceInPersonOrderAfterItsOutageAndTheSsiadIsNotSlowed() throws Exception {
        List<Person> persons = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PERSONS; i++) {
            Person p = newPerson();
            send(fromHospital(AdtMessages.adt("A28", "DN0-" + run + "-" + i, p, "V" + run + i, null, null)));
            persons.add(p);
        }
        for (Person p : persons) {
            String id = hubId(p, HOSPITAL_IPP);
            joinAndWelcome(id, "170780001", "ehpad", EHPAD); // each is told who the person is (A28) as it joins
            joinAndWelcome(id, "170790002", "ssiad", SSIAD);
            ids.add(id);
        }

        ehpad.down();
        Instant outage = Instant.now();
        // round robin over the persons: change k renames person i "<birth name>-V<k>", so each message says its rank
        for (int k = 1; k <= CHANGES_PER_PERSON; k++) {
            for (int i = 0; i < PERSONS; i++) {
                Person p = persons.get(i);
                send(fromHospital(AdtMessages.adt("A31", "DN" + k + "-" + run + "-" + i, p.withBirthName(p.birthName() + "-V" + k),
                        "V" + run + i, null, null)));
            }
        }

        // the SSIAD is not held by the EHPAD's outage: every change, in order, while the EHPAD is still down
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> later(ssiadGot(id)).size() == CHANGES_PER_PERSON));
        for (int i = 0; i < PERSONS; i++) {
            assertThat(later(ssiadGot(ids.get(i)))).extracting(b -> ((Patient) b.getEntryFirstRep().getResource()).getNameFirstRep().getFamily())
                    .containsExactlyElementsOf(ranks(persons.get(i)));
        }
        assertThat(ids).allMatch(id -> later(ehpad.about(id)).isEmpty());
        // stay down long enough for many retry cycles of the oldest message (50 ms doubling to 400 ms). The oldest is
        // not always person 0's: inbound changes of different persons are applied in parallel, and the EHPAD's queue
        // retries its head message while the others wait behind it
        await().atMost(WAIT).until(() -> Duration.between(outage, Instant.now()).toSeconds() >= 4
                && ids.stream().mapToInt(this::attemptsOfFirst).max().orElse(0) >= 8);
        assertThat(ids).allMatch(id -> later(rows(EHPAD, id)).stream().noneMatch(r -> "DELIVERED".equals(r.get("STATUS"))));

        ehpad.up();

        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> later(ehpad.about(id)).size() >= CHANGES_PER_PERSON
                && later(rows(EHPAD, id)).stream().allMatch(r -> "DELIVERED".equals(r.get("STATUS")))));
        for (int i = 0; i < PERSONS; i++) {
            List<PartnerMllpReceiver.Received> got = later(ehpad.about(ids.get(i)));
            assertThat(got).as("exactly once").hasSize(CHANGES_PER_PERSON);
            assertThat(got).extracting(r -> r.field("MSH", 10)).doesNotHaveDuplicates();
            assertThat(got).extracting(r -> r.field("PID", 5).split("\\^")[0]).as("in the order the changes were made")
                    .containsExactlyElementsOf(ranks(persons.get(i)));
            // the EHPAD knew the person from the A28 sent as it joined: updates only
            assertThat(got).allMatch(r -> r.field("MSH", 9).equals("ADT^A31^ADT_A05"));
        }
    }

    private static List<String> ranks(Person p) {
        List<String> out = new ArrayList<>();
        for (int k = 1; k <= CHANGES_PER_PERSON; k++) out.add(p.birthName() + "-V" + k);
        return out;
    }

    private int attemptsOfFirst(String id) {
        List<Map<String, Object>> r = later(rows(EHPAD, id));
        return r.isEmpty() ? 0 : ((Number) r.get(0).get("ATTEMPTS")).intValue();
    }
}
