package fr.crt.hub.dui;

import fr.crt.hub.store.MessageStore;
import java.nio.charset.StandardCharsets;

/**
 * The Artemis message group ({@code JMSXGroupID}) of an ADT message: one group per partner and person, so one
 * person's messages are applied in the order they arrived while other persons go in parallel. Every path that
 * queues a message (intake, replay, recovery after a crash) must use it, or an A03 could overtake its A01.
 *
 * <p>Why a hash: broker logs and consoles must not show a patient identifier.
 */
final class PersonOrderGroup {

    private PersonOrderGroup() {
    }

    static String of(InboundVerdict v) {
        String partnerId = v.partner() == null ? "unknown" : v.partner().id();
        return partnerId + "|" + MessageStore.sha256(firstPatientId(v).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static String firstPatientId(InboundVerdict v) {
        try {
            String id = v.parsed() == null ? null : new ca.uhn.hl7v2.util.Terser(v.parsed()).get("/.PID-3-1");
            return id == null ? "none" : id;
        } catch (ca.uhn.hl7v2.HL7Exception e) {
            return "none";
        }
    }
}
