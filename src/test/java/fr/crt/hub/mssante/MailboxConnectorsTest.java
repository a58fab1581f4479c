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
 * Mailbox connector files read into settings ({@link MssanteMailboxes}). Which mailbox outbound mail leaves from when
 * the CRT has several: the one marked {@code sending: true}, or the only one enabled; with several and no single
 * mark, a send fails with what to fix rather than leaving from whichever file was read first. How the mailbox logs
 * in: {@code authentication: certificate} (SASL EXTERNAL) needs no password and refuses one.
 */
class MailboxConnectorsTest {

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

    @Test
    void certificateLoginUsesTheAddressAsLoginAndRefusesAPassword() throws Exception {
        mailbox("crt-cert", null, "true", "authentication: certificate\n");
        MailboxSettings m = mailboxes().byId("crt-cert").orElseThrow();
        assertThat(m.certificateLogin()).isTrue();
        assertThat(m.login()).isEqualTo("crt-cert@crt.mssante.fr");
        assertThat(m.password()).isEmpty();
        var props = MssanteMailboxes.properties(m, (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
        assertThat(props.getProperty("mail.imaps.sasl.mechanisms")).isEqualTo("EXTERNAL");
        assertThat(props.getProperty("mail.imaps.sasl.authorizationid")).isEqualTo("crt-cert@crt.mssante.fr");
        assertThat(props.getProperty("mail.smtps.auth.login.disable")).isEqualTo("true");

        mailbox("crt-cert", null, "true", "authentication: certificate\npassword: secret\n");
        assertThatThrownBy(() -> mailboxes().byId("crt-cert")).hasMessage("connector crt-cert: no password with authentication: certificate");
        mailbox("crt-cert", null, "true", "authentication: kerberos\n");
        assertThatThrownBy(() -> mailboxes().byId("crt-cert")).hasMessage("connector crt-cert: authentication must be password or certificate");
        mailbox("crt-cert", null, "true", "");
        assertThat(mailboxes().byId("crt-cert").orElseThrow().certificateLogin()).isFalse();
    }

    private MssanteMailboxes mailboxes() {
        return new MssanteMailboxes(new ConnectorRegistry(new ConnectorProperties(dir)), new MockEnvironment(), null, null, null);
    }

    private void mailbox(String id, String sending, String enabled) throws Exception {
        mailbox(id, sending, enabled, "");
    }

    private void mailbox(String id, String sending, String enabled, String more) throws Exception {
        Files.writeString(dir.resolve(id + ".yaml"), "id: " + id + "\nkind: mssante\naddress: " + id + "@crt.mssante.fr\n"
                + "imap: {host: imap.test, port: '993'}\nsmtp: {host: smtp.test, port: '465'}\nenabled: '" + enabled + "'\n"
                + (sending == null ? "" : "sending: " + sending + "\n") + more);
    }
}
