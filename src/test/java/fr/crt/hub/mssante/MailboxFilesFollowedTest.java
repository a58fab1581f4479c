package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.store.MailFolder;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MssanteTestMail;
import fr.crt.hub.xdm.XdmFixtures;
import jakarta.mail.Flags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * A mailbox connector file added, edited or removed while the hub runs takes effect without a restart
 * ({@link MailboxRoutes}), as partner files do: the new mailbox is read, the edited one is read with its new
 * settings, a broken edit changes nothing, the removed one is no longer polled, and the shipped mailbox goes on
 * throughout.
 */
class MailboxFilesFollowedTest extends HubTestBase {

    @Autowired MessageStore store;
    @Autowired CamelContext camel;
    @Autowired MailboxRoutes routes;
    @Value("${hub.connectors.dir}") Path connectors;
    @Value("${hub.mssante.imap-port}") int imapPort;
    @Value("${hub.mssante.smtp-port}") int smtpPort;

    @Test
    void aMailboxFileAddedEditedThenRemovedIsFollowedWithoutRestart() throws Exception {
        String address = "crt-hot-" + System.nanoTime() + "@crt-dev.mssante.fr";
        MssanteTestMail.server().setUser(address, address, MssanteTestMail.PASSWORD);
        Path file = connectors.resolve("test-mssante-hot.yaml");
        String route = MailboxRoutes.routeId("test-mssante-hot");
        try {
            Files.writeString(file, mailbox(address, "seen"));
            await().atMost(WAIT).until(() -> camel.getRoute(route) != null);
            String first = deliver(address);
            awaitStored(first);
            MailFolder inbox = MssanteTestMail.server().getManagers().getImapHostManager().getInbox(MssanteTestMail.mailbox(address));
            await().atMost(WAIT).until(() -> onServer(inbox, first) != null && onServer(inbox, first).isSet(Flags.Flag.SEEN));

            // edited: the route is made again with the new setting, mail now leaves the server once stored
            Files.writeString(file, mailbox(address, "delete"));
            await().atMost(WAIT).until(() -> routes.running().containsKey("test-mssante-hot")
                    && routes.running().get("test-mssante-hot").processedMail().delete() && camel.getRoute(route) != null);
            String second = deliver(address);
            awaitStored(second);
            await().atMost(WAIT).until(() -> onServer(inbox, second) == null);

            // a broken edit: the registry keeps its previous set, the mailbox goes on with the settings it had
            Files.writeString(file, "id: test-mssante-hot\nkind: mssante\naddress: [unclosed\n");
            Thread.sleep(6_000); // more than the reload interval (5 s)
            assertThat(camel.getRoute(route)).isNotNull();
            assertThat(routes.running().get("test-mssante-hot").processedMail().delete()).isTrue();
            String kept = deliver(address);
            awaitStored(kept);

            // removed: no longer polled, the mail stays unseen on the server
            Files.delete(file);
            await().atMost(WAIT).until(() -> camel.getRoute(route) == null && !routes.running().containsKey("test-mssante-hot"));
            String third = deliver(address);
            Thread.sleep(1500); // three poll intervals of the removed mailbox
            assertThat(store.findByControlId(MssanteInbound.TRANSPORT, third)).isEmpty();
            assertThat(onServer(inbox, third).isSet(Flags.Flag.SEEN)).isFalse();
            assertThat(routes.running()).containsKey("crt-mssante");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private String mailbox(String address, String processedMail) {
        return """
                id: test-mssante-hot
                kind: mssante
                address: "%1$s"
                login: "%1$s"
                password: "${hub.mssante.password}"
                imap: {host: localhost, port: "%2$d", security: TLS}
                smtp: {host: localhost, port: "%3$d", security: TLS}
                processedMail: %4$s
                pollInterval: "300"
                """.formatted(address, imapPort, smtpPort, processedMail);
    }

    private static String deliver(String address) throws Exception {
        String id = Mails.newMessageId();
        MssanteTestMail.mailbox(address).deliver(Mails.mail(address, id, false, "IHE_XDM.ZIP", "application/zip",
                XdmFixtures.xdm(XdmFixtures.dlu(MssanteInboundMailTest.INS))));
        return id;
    }

    private void awaitStored(String messageId) {
        await().atMost(WAIT).until(() -> store.findByControlId(MssanteInbound.TRANSPORT, messageId),
                m -> m.isPresent() && m.get().connector().equals("test-mssante-hot")
                        && Arrays.asList(MessageStatus.PROCESSED, MessageStatus.PATIENT_UNKNOWN).contains(m.get().status()));
    }

    private static com.icegreen.greenmail.store.StoredMessage onServer(MailFolder folder, String messageId) {
        return folder.getMessages().stream().filter(m -> {
            try {
                return messageId.equals(m.getMimeMessage().getMessageID()) && !m.isSet(Flags.Flag.DELETED);
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElse(null);
    }
}
