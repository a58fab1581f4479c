package fr.crt.hub.dui;

import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * DESIGN rule 5: the suite's test persons go through every path (accepted, duplicate, refused for a bad
 * NIR key, ANS samples) and none of their names, IPP or NIR appears in the log output.
 */
@ExtendWith(OutputCaptureExtension.class)
class NoHealthDataInLogsTest extends HubTestBase {

    @Autowired
    MessageStore store;

    @Test
    void namesAndNirNeverReachTheLogs(CapturedOutput output) throws Exception {
        List<String> secrets = new ArrayList<>();
        try (MllpClient c = mllp()) {
            for (int i = 200; i < 210; i++) {
                Person p = Person.of(i);
                secrets.add(p.birthName());
                secrets.add(p.nir());
                secrets.add(p.ipp());
                String msg = AdtMessages.adt("A01", "LOG-" + i, p, "VLOG" + i, "MLOG" + i, "INSERT");
                assertThat(ackCode(c.send(msg))).isEqualTo("AA");
                assertThat(ackCode(c.send(msg))).isEqualTo("AA"); // duplicate path
            }
            Person bad = Person.of(300);
            String wrongKey = bad.nir().substring(0, 13) + "00";
            secrets.add(wrongKey);
            secrets.add(bad.birthName());
            assertThat(ackCode(c.send(AdtMessages.adt("A01", "LOG-BAD", bad.withNir(wrongKey), "VB", "MB", "INSERT"))))
                    .isEqualTo("AE");
            c.sendBytes(Samples.bytes("hl7v2/pam-fr/sgl/admission_ADT_A01.er7"));
        }
        secrets.addAll(List.of("PAT-TROIS", "DOMINIQUE", "279035121518989"));
        await().atMost(WAIT).until(() -> store.count(new MessageQuery(null, null, null, MessageStatus.QUEUED, null, null,
                null, null, 0, 1)) == 0 && store.count(new MessageQuery(null, null, null, MessageStatus.RETRYING, null, null,
                null, null, 0, 1)) == 0);
        String logs = output.getAll();
        assertThat(logs).contains("LOG-201"); // control ids are logged: the capture works
        for (String secret : secrets) {
            assertThat(logs).as("log output must not contain health data").doesNotContain(secret);
        }
    }
}
