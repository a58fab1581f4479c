package fr.crt.hub.dui;

import static fr.crt.hub.support.MllpClient.ackCode;
import static fr.crt.hub.support.MllpClient.field;
import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * DESIGN rule 2 over the real MLLP port: every bad input gets AR/AE with an ERR segment naming the field,
 * is kept in the store with its status and reason, and never disturbs the next message on the connection.
 */
class BadInputGetsAClearAnswerTest extends HubTestBase {

    @Autowired
    MessageStore store;

    private StoredMessage stored(String ack) {
        // newest stored message: the one this test just sent (tests of this class run one at a time)
        return store.search(new fr.crt.hub.store.MessageQuery(null, null, null, null, null, null, null, null, 0, 1)).get(0);
    }

    @Test
    void garbageIsRejectedWithErrAndKept() throws Exception {
        try (MllpClient c = mllp()) {
            String ack = c.send("this is not HL7 at all");
            assertThat(ackCode(ack)).isEqualTo("AR");
            assertThat(field(ack, "ERR", 3)).startsWith("100");
            assertThat(field(ack, "ERR", 4)).isEqualTo("E");
            assertThat(field(ack, "ERR", 8)).contains("MSH");
            StoredMessage m = stored(ack);
            assertThat(m.status()).isEqualTo(MessageStatus.REJECTED);
            assertThat(m.ackCode()).isEqualTo("AR");
            // and the same connection still works
            String ok = c.send(AdtMessages.adt("A28", "BAD-OK-1", Person.of(1), "V1", null, null));
            assertThat(ackCode(ok)).isEqualTo("AA");
        }
    }

    @Test
    void truncatedMessageIsRejected() throws Exception {
        String full = AdtMessages.adt("A01", "TRUNC-1", Person.of(2), "V2", "M2", "INSERT");
        String truncated = full.substring(0, full.indexOf("PID|") + 20);
        try (MllpClient c = mllp()) {
            String ack = c.send(truncated);
            assertThat(ackCode(ack)).isIn("AE", "AR");
            assertThat(field(ack, "ERR", 2)).startsWith("PID");
            assertThat(ackCode(c.send(AdtMessages.adt("A28", "TRUNC-OK", Person.of(3), "V3", null, null)))).isEqualTo("AA");
        }
    }

    @Test
    void truncatedFrameDoesNotDisturbOtherConnections() throws Exception {
        try (MllpClient broken = mllp()) {
            broken.writeRaw(new byte[] {0x0b, 'M', 'S', 'H', '|'});
        }
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(AdtMessages.adt("A28", "FRAME-OK", Person.of(4), "V4", null, null)))).isEqualTo("AA");
        }
    }

    @Test
    void wrongVersionIsRejected() throws Exception {
        String msg = AdtMessages.adt("A01", "VER-1", Person.of(5), "V5", "M5", "INSERT").replace("|2.5^FRA^2.11|", "|2.3|");
        try (MllpClient c = mllp()) {
            String ack = c.send(msg);
            assertThat(ackCode(ack)).isEqualTo("AR");
            assertThat(field(ack, "ERR", 2)).isEqualTo("MSH^1^12");
            assertThat(field(ack, "ERR", 3)).startsWith("203");
        }
    }

    @Test
    void unknownTriggerIsRejectedWithCode201() throws Exception {
        String msg = AdtMessages.adt("A01", "TRIG-1", Person.of(6), "V6", null, null).replace("ADT^A01^ADT_A01", "ADT^A99^ADT_A01");
        try (MllpClient c = mllp()) {
            String ack = c.send(msg);
            assertThat(ackCode(ack)).isEqualTo("AR");
            assertThat(field(ack, "ERR", 3)).startsWith("201");
        }
    }

    @Test
    void missingPidIsAnErrorNamingPid() throws Exception {
        String full = AdtMessages.adt("A01", "NOPID-1", Person.of(7), "V7", "M7", "INSERT");
        String noPid = Arrays.stream(full.split("\r")).filter(s -> !s.startsWith("PID")).reduce((a, b) -> a + "\r" + b).orElseThrow();
        try (MllpClient c = mllp()) {
            String ack = c.send(noPid);
            assertThat(ackCode(ack)).isEqualTo("AE");
            assertThat(field(ack, "ERR", 2)).startsWith("PID");
        }
    }

    @Test
    void invalidNirKeyIsAnIdentityErrorOnPid3() throws Exception {
        Person p = Person.of(8);
        String badKey = p.nir().substring(0, 13) + String.format("%02d", (Integer.parseInt(p.nir().substring(13)) % 97) + 1);
        try (MllpClient c = mllp()) {
            String ack = c.send(AdtMessages.adt("A01", "NIR-1", p.withNir(badKey), "V8", "M8", "INSERT"));
            assertThat(ackCode(ack)).isEqualTo("AE");
            assertThat(field(ack, "ERR", 2)).isEqualTo("PID^1^3");
            assertThat(ack).doesNotContain(badKey);
        }
        StoredMessage m = store.search(new fr.crt.hub.store.MessageQuery(null, null, null, null, null, null, "NIR-1", null, 0, 1)).get(0);
        assertThat(m.status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(m.errorLocation()).isEqualTo("PID-3");
    }

    @Test
    void latin1MessageDeclared8859IsAccepted() throws Exception {
        Person p = Person.of(9).withBirthName("LÉVÊQUE-ÇÀ");
        String msg = AdtMessages.adt("A28", "LATIN-1", p, "V9", null, null).replace("UNICODE UTF-8", "8859/1");
        try (MllpClient c = mllp()) {
            String ack = c.send(msg, StandardCharsets.ISO_8859_1);
            assertThat(ackCode(ack)).isEqualTo("AA");
        }
    }

    @Test
    void latin1BytesDeclaredUtf8AreAnErrorOnMsh18() throws Exception {
        Person p = Person.of(10).withBirthName("LÉVÊQUE");
        String msg = AdtMessages.adt("A28", "BADCS-1", p, "V10", null, null);
        try (MllpClient c = mllp()) {
            byte[] ack = c.sendBytes(msg.getBytes(StandardCharsets.ISO_8859_1));
            String a = new String(ack, StandardCharsets.UTF_8);
            assertThat(ackCode(a)).isEqualTo("AE");
            assertThat(field(a, "ERR", 2)).isEqualTo("MSH^1^18");
        }
    }

    @Test
    void oversizedMessageIsRefused() throws Exception {
        String base = AdtMessages.adt("A28", "BIG-1", Person.of(11), "V11", null, null);
        StringBuilder sb = new StringBuilder(base);
        String nte = "NTE|1||" + "x".repeat(1000) + "\r";
        while (sb.length() < 11 * 1024 * 1024) sb.append(nte);
        try (MllpClient c = mllp()) {
            String ack = c.send(sb.toString());
            assertThat(ackCode(ack)).isEqualTo("AR");
            assertThat(field(ack, "ERR", 8)).contains("exceeds");
            assertThat(ackCode(c.send(AdtMessages.adt("A28", "BIG-OK", Person.of(12), "V12", null, null)))).isEqualTo("AA");
        }
    }

    @Test
    void unknownSenderIsRejectedAndKept() throws Exception {
        String msg = AdtMessages.adt("A28", "UNK-1", Person.of(13), "V13", null, null).replace("DUI_TILLEULS|TILLEULS", "ROGUE|NOWHERE");
        try (MllpClient c = mllp()) {
            String ack = c.send(msg);
            assertThat(ackCode(ack)).isEqualTo("AR");
            assertThat(field(ack, "ERR", 2)).isEqualTo("MSH^1^3");
        }
        StoredMessage m = store.search(new fr.crt.hub.store.MessageQuery(null, null, null, null, null, null, "UNK-1", null, 0, 1)).get(0);
        assertThat(m.status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(m.partnerId()).isNull();
    }

    @Test
    void duplicateControlIdIsAcknowledgedOnceProcessedOnce() throws Exception {
        String msg = AdtMessages.adt("A28", "DUP-1", Person.of(14), "V14", null, null);
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(msg))).isEqualTo("AA");
            assertThat(ackCode(c.send(msg))).isEqualTo("AA");
        }
        var found = store.search(new fr.crt.hub.store.MessageQuery(null, null, null, null, null, null, "DUP-1", null, 0, 10));
        assertThat(found).hasSize(2);
        assertThat(found).extracting(StoredMessage::status).contains(MessageStatus.DUPLICATE);
        assertThat(found).filteredOn(m -> m.status() == MessageStatus.DUPLICATE).first()
                .extracting(StoredMessage::duplicateOf).isNotNull();
    }
}
