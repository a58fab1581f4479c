package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MssanteTestMail;
import fr.crt.hub.xdm.XdmFixtures;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * Hostile mails through the real mailbox: each is kept with a clear status and reason, the sender who asked for a
 * receipt gets the error MDN ({@code [KO Intégration système !]}), nothing lands in the file system, and the
 * mailbox loop goes on (a good mail sent last is processed).
 */
class HostileMailTest extends HubTestBase {

    static final String INS = "279035121518989";

    @Autowired MessageStore store;
    @Autowired fr.crt.hub.fhir.CanonicalRepository repo;
    @Value("${hub.mssante.address}") String hubAddress;
    @Value("${hub.data-dir}") Path dataDir;

    StoredMessage deliverAndAwait(MimeMessage mail, MessageStatus... statuses) throws Exception {
        String id = mail.getMessageID();
        MssanteTestMail.mailbox(hubAddress).deliver(mail);
        return await().atMost(WAIT).until(() -> store.findByControlId(MssanteInbound.TRANSPORT, id),
                m -> m.isPresent() && Arrays.asList(statuses).contains(m.get().status())).orElseThrow();
    }

    MimeMessage withXdm(byte[] zip, boolean receipt) throws Exception {
        return Mails.mail(hubAddress, Mails.newMessageId(), receipt, "IHE_XDM.ZIP", "application/zip", zip);
    }

    static Map<String, byte[]> base() {
        XdmFixtures.Doc doc = XdmFixtures.ldlSes(INS);
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("INDEX.HTM", "<html/>".getBytes(StandardCharsets.UTF_8));
        e.put("README.TXT", "readme".getBytes(StandardCharsets.UTF_8));
        e.put("IHE_XDM/SUBSET01/METADATA.XML", XdmFixtures.metadata(doc));
        e.put("IHE_XDM/SUBSET01/DOC0001.XML", doc.content());
        return e;
    }

    @Test
    void hostileMailsGetAClearStatusAndTheLoopGoesOn() throws Exception {
        MssanteInboundMailTest.patient(repo, INS, "VALI");
        List<Path> before = files(dataDir);

        Map<String, byte[]> bomb = base();
        bomb.put("IHE_XDM/SUBSET01/DOC0002.XML", new byte[60 << 20]);
        MimeMessage bombMail = withXdm(XdmFixtures.zip(bomb), true);
        StoredMessage s = deliverAndAwait(bombMail, MessageStatus.REJECTED);
        assertThat(s.statusReason()).startsWith("IHE_XDM.ZIP refused: COMPRESSION_RATIO");
        MimeMessage ko = await().atMost(WAIT).until(() -> errorMdnFor(bombMail.getMessageID()), m -> m != null);
        assertThat(ko.getSubject()).startsWith(Receipts.KO_PREFIX);
        assertThat(ko.getContentType()).contains("multipart/report");

        Map<String, byte[]> traversal = base();
        traversal.put("../../../../tmp/crt-hub-pwned.txt", "x".getBytes());
        assertThat(deliverAndAwait(withXdm(XdmFixtures.zip(traversal), false), MessageStatus.REJECTED).statusReason())
                .startsWith("IHE_XDM.ZIP refused: UNSAFE_ENTRY_NAME");
        Map<String, byte[]> backslash = base();
        backslash.put("..\\..\\crt-hub-pwned.dll", "x".getBytes());
        assertThat(deliverAndAwait(withXdm(XdmFixtures.zip(backslash), false), MessageStatus.REJECTED).statusReason())
                .startsWith("IHE_XDM.ZIP refused: UNSAFE_ENTRY_NAME");

        Map<String, byte[]> nested = base();
        nested.put("IHE_XDM/SUBSET01/INNER.ZIP", XdmFixtures.xdm(XdmFixtures.dlu(INS)));
        assertThat(deliverAndAwait(withXdm(XdmFixtures.zip(nested), false), MessageStatus.REJECTED).statusReason())
                .startsWith("IHE_XDM.ZIP refused: NESTED_ARCHIVE");

        Map<String, byte[]> xxe = base();
        xxe.put("IHE_XDM/SUBSET01/METADATA.XML", ("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<r>&x;</r>").getBytes(StandardCharsets.UTF_8));
        assertThat(deliverAndAwait(withXdm(XdmFixtures.zip(xxe), false), MessageStatus.REJECTED).statusReason())
                .startsWith("IHE_XDM.ZIP refused: UNSAFE_XML");

        Object[] fifty = new Object[150];
        for (int i = 0; i < 50; i++) {
            fifty[3 * i] = "doc" + i + ".pdf";
            fifty[3 * i + 1] = "application/pdf";
            fifty[3 * i + 2] = ("%PDF-1.4 " + i).getBytes();
        }
        assertThat(deliverAndAwait(Mails.mail(hubAddress, Mails.newMessageId(), false, fifty), MessageStatus.REJECTED).statusReason())
                .isEqualTo("mail refused: more than 20 attachments");

        MimeMessage huge = Mails.mail(hubAddress, Mails.newMessageId(), false, "IHE_XDM.ZIP", "application/zip",
                XdmFixtures.xdm(XdmFixtures.dlu(INS)));
        for (int i = 0; i < 100; i++) huge.addHeader("X-Filler-" + i, "y".repeat(900));
        huge.saveChanges();
        assertThat(deliverAndAwait(huge, MessageStatus.REJECTED).statusReason()).contains("header block larger than");

        // S/MIME signed by a certificate of the hub's trust chain: verified, recorded, the content used
        XdmFixtures.Doc signedDoc = XdmFixtures.dlu(INS);
        String signedId = Mails.newMessageId();
        MimeMessage signed = Mails.signedBy(Mails.mail(hubAddress, signedId, false, "IHE_XDM.ZIP", "application/zip",
                XdmFixtures.xdm(new XdmFixtures.Doc(signedDoc.content(), signedDoc.mimeType(), signedDoc.typeCode(),
                        signedDoc.classCode(), signedDoc.formatCode(), INS, signedDoc.uniqueId() + ".7"))), signedId,
                fr.crt.hub.pki.TestPki.signer(fr.crt.hub.support.InsiWireMock.pkiDir(), fr.crt.hub.pki.TestPki.MSSANTE));
        StoredMessage signedStored = deliverAndAwait(signed, MessageStatus.PROCESSED);
        assertThat(store.events(signedStored.id())).anyMatch(e -> e.stage().equals("SMIME") && e.detail().startsWith("S/MIME signature verified"));

        // a signature part that is no signature: what the mail carries cannot be trusted to be what was sent, refused
        String forgedId = Mails.newMessageId();
        MimeMessage forged = Mails.signed(Mails.mail(hubAddress, forgedId, false, "IHE_XDM.ZIP", "application/zip",
                XdmFixtures.xdm(new XdmFixtures.Doc(signedDoc.content(), signedDoc.mimeType(), signedDoc.typeCode(),
                        signedDoc.classCode(), signedDoc.formatCode(), INS, signedDoc.uniqueId() + ".9"))), forgedId);
        assertThat(deliverAndAwait(forged, MessageStatus.REJECTED).statusReason()).contains("S/MIME signature unreadable");

        // the loop goes on: a good mail after all of them is applied
        XdmFixtures.Doc good = XdmFixtures.n1Cda(INS);
        deliverAndAwait(withXdm(XdmFixtures.xdm(new XdmFixtures.Doc(good.content(), good.mimeType(), good.typeCode(), good.classCode(),
                good.formatCode(), INS, good.uniqueId() + ".8")), false), MessageStatus.PROCESSED);

        List<Path> created = new ArrayList<>(files(dataDir));
        created.removeAll(before);
        assertThat(created).noneMatch(p -> p.getFileName().toString().contains("pwned"));
        assertThat(Path.of("/tmp/crt-hub-pwned.txt")).doesNotExist();
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static MimeMessage errorMdnFor(String originalId) throws Exception {
        for (MimeMessage m : MssanteTestMail.server().getReceivedMessages()) {
            if (originalId.equals(m.getHeader("In-Reply-To", null))) return m;
        }
        return null;
    }
}
