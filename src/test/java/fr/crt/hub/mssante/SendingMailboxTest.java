package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.connector.ConnectorProperties;
import fr.crt.hub.connector.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/**
 * Which mailbox outbound mail leaves from when the CRT has several ({@link MssanteMailboxes#sender()}): the one marked
 * {@code sending: true}, or the only one enabled; with several and no single mark, a send fails with what to fix
 * rather than leaving from whichever file was read first.
 */
class SendingMailboxTest {

    @TempDir Path dir;

    @Test
    void theOnlyEnabledMailboxSendsWithoutAMark() throws Exception {
        mailbox("crt-a", null, "true");
        mailbox("crt-b", null, "false");
        assertThat(mailboxes().sender().id()).isEqualTo("crt-a");
    }

    @Test
    void amongSeveralTheMarkedOneSendsWhateverTheOrderOfTheFiles() throws Exception {
        mailbox("aaa-archive", null, "true");
        mailbox("mmm-main", "true", "true");
        mailbox("zzz-purge", "false", "true");
        assertThat(mailboxes().sender().id()).isEqualTo("mmm-main");
    }

    @Test
    void severalAndNoMarkOrTwoMarksAreRefusedWithTheReason() throws Exception {
        mailbox("crt-a", null, "true");
        mailbox("crt-b", null, "true");
        assertThatThrownBy(() -> mailboxes().sender()).hasMessageContaining("2 enabled mailboxes and none has sending: true");
        mailbox("crt-a", "true", "true");
        mailbox("crt-b", "true", "true");
        assertThatThrownBy(() -> mailboxes().sender()).hasMessageContaining("more than one").hasMessageContaining("crt-a, crt-b");
        mailbox("crt-a", "true", "false");
        mailbox("crt-b", "false", "false");
        assertThatThrownBy(() -> mailboxes().sender()).hasMessage("no enabled MSSanté mailbox connector");
    }

    private MssanteMailboxes mailboxes() {
        return new MssanteMailboxes(new ConnectorRegistry(new ConnectorProperties(dir)), new MockEnvironment(), null, null, null);
    }

    private void mailbox(String id, String sending, String enabled) throws Exception {
        Files.writeString(dir.resolve(id + ".yaml"), "id: " + id + "\nkind: mssante\naddress: " + id + "@crt.mssante.fr\n"
                + "imap: {host: imap.test, port: '993'}\nsmtp: {host: smtp.test, port: '465'}\nenabled: '" + enabled + "'\n"
                + (sending == null ? "" : "sending: " + sending + "\n"));
    }
}
