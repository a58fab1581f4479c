package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MssanteTestMail;
import fr.crt.hub.xdm.XdmFixtures;
import jakarta.mail.Flags;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * What the hub does on the operator's server with a mail it has stored (connector field {@code processedMail}), through
 * the test hub's two extra mailboxes ({@code src/test/resources/connectors/test-mssante-archive.yaml}, moving to
 * "Traités CRT", and {@code test-mssante-purge.yaml}, deleting): the mail leaves the polled folder only once stored,
 * and the receipt is sent from the mailbox that received the mail.
 */
class ProcessedMailTest extends HubTestBase {

    static final String ARCHIVE = "Traités CRT";

    @Autowired CanonicalRepository repo;
    @Autowired MessageStore store;
    @Autowired MssanteMailboxes mailboxes;
    @Value("${hub.mssante.archive-address}") String archiveAddress;
    @Value("${hub.mssante.purge-address}") String purgeAddress;

    @Test
    void aMailboxSetToMoveLeavesEachStoredMailInItsArchiveFolderAndAnswersFromItsOwnAddress() throws Exception {
        MssanteInboundMailTest.patient(repo, MssanteInboundMailTest.INS, "VALI");
        String id = Mails.newMessageId();
        MssanteTestMail.mailbox(archiveAddress).deliver(Mails.mail(archiveAddress, id, true, "IHE_XDM.ZIP", "application/zip",
                XdmFixtures.xdm(XdmFixtures.dlu(MssanteInboundMailTest.INS))));

        var stored = awaitStored(id, MessageStatus.PROCESSED);

        assertThat(stored.connector()).isEqualTo("test-mssante-archive");
        var host = MssanteTestMail.server().getManagers().getImapHostManager();
        var user = MssanteTestMail.mailbox(archiveAddress);
        await().atMost(WAIT).until(() -> find(host.getInbox(user), id).isEmpty() && host.getFolder(user, ARCHIVE) != null
                && find(host.getFolder(user, ARCHIVE), id).isPresent());
        StoredMessage archived = find(host.getFolder(user, ARCHIVE), id).orElseThrow();
        assertThat(archived.isSet(Flags.Flag.SEEN)).isTrue();
        assertThat(archived.isSet(Flags.Flag.DELETED)).isFalse();

        // the MDN comes from the mailbox the GP wrote to, not from the hub's first mailbox
        MimeMessage mdn = await().atMost(WAIT).until(() -> receiptTo(id), Optional::isPresent).orElseThrow();
        assertThat(mdn.getFrom()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(archiveAddress);
        assertThat(Mails.bytes(mdn)).asString().contains("Final-Recipient: rfc822;" + archiveAddress);
    }

    @Test
    void aMailboxSetToDeleteRemovesEachMailOnceStoredEvenOneThatIsRefused() throws Exception {
        String good = Mails.newMessageId();
        String bad = Mails.newMessageId();
        MssanteTestMail.mailbox(purgeAddress).deliver(Mails.mail(purgeAddress, good, false, "IHE_XDM.ZIP", "application/zip",
                XdmFixtures.xdm(XdmFixtures.dlu(MssanteInboundMailTest.INS))));
        MssanteTestMail.mailbox(purgeAddress).deliver(Mails.mail(purgeAddress, bad, false, "IHE_XDM.ZIP", "application/zip",
                "not a zip".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

        awaitStored(good, MessageStatus.PROCESSED, MessageStatus.PATIENT_UNKNOWN);
        var refused = awaitStored(bad, MessageStatus.REJECTED);
        var host = MssanteTestMail.server().getManagers().getImapHostManager();
        MailFolder inbox = host.getInbox(MssanteTestMail.mailbox(purgeAddress));
        await().atMost(WAIT).until(() -> find(inbox, good).isEmpty() && find(inbox, bad).isEmpty());
        // gone from the server, kept whole in the store
        byte[] raw = store.findWithRaw(refused.id()).orElseThrow().raw();
        assertThat(Mails.parse(raw).getMessageID()).isEqualTo(bad);
    }

    @Test
    void theShippedMailboxKeepsMailOnTheServerFlaggedSeen() {
        MailboxSettings shipped = mailboxes.byId("crt-mssante").orElseThrow();
        assertThat(shipped.processedMail()).isEqualTo(ProcessedMail.SEEN);
        assertThat(mailboxes.byId("test-mssante-archive").orElseThrow().processedMail().moveTo()).isEqualTo(ARCHIVE);
        assertThat(mailboxes.byId("test-mssante-purge").orElseThrow().processedMail().delete()).isTrue();
    }

    @Test
    void aConnectorValueThatIsNoActionIsRefusedWithTheConnectorsName() {
        MssanteMailbox.Endpoint server = new MssanteMailbox.Endpoint("localhost", "993", "TLS");
        for (String value : List.of("archive", "move:", "move:INBOX", "move:*", "move:a%b", "move:x\r\nA1 DELETE INBOX", "delete:INBOX")) {
            MssanteMailbox m = new MssanteMailbox("bad-box", MssanteMailboxes.KIND, null, "a@b.fr", null, null, null, server, server,
                    null, null, null, "true", value, null, null);
            assertThatThrownBy(() -> mailboxes.resolve(m)).as(value).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("connector bad-box: processedMail").hasMessageNotContaining("\r");
        }
    }

    private fr.crt.hub.store.StoredMessage awaitStored(String messageId, MessageStatus... statuses) {
        return await().atMost(WAIT).until(() -> store.findByControlId(MssanteInbound.TRANSPORT, messageId),
                m -> m.isPresent() && Arrays.asList(statuses).contains(m.get().status())).orElseThrow();
    }

    private static Optional<StoredMessage> find(MailFolder folder, String messageId) {
        return folder.getMessages().stream().filter(m -> {
            try {
                return messageId.equals(m.getMimeMessage().getMessageID()) && !m.isSet(Flags.Flag.DELETED);
            } catch (Exception e) {
                return false;
            }
        }).findFirst();
    }

    private static Optional<MimeMessage> receiptTo(String originalId) throws Exception {
        for (MimeMessage m : MssanteTestMail.server().getReceivedMessages()) {
            if (originalId.equals(m.getHeader("In-Reply-To", null)) && m.getContent() instanceof MimeMultipart) return Optional.of(m);
        }
        return Optional.empty();
    }
}
