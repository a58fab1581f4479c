package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MssanteTestMail;
import fr.crt.hub.xdm.XdmFixtures;
import jakarta.mail.Flags;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * End to end through the hub's real mailbox connector (IMAPS/SMTPS on GreenMail, server certificate from the dev
 * PKI): GP mails carrying the ANS CDA samples in XDM packages built from the ANS ITI-41 sample land as
 * DocumentReferences on the right Patient; the sender gets an MDN; a mail read again is stored once more as a
 * DUPLICATE and never applied twice.
 */
class MssanteInboundMailTest extends HubTestBase {

    /** PAT-TROIS DOMINIQUE, the INS (test OID) of every CDA sample. */
    static final String INS = "279035121518989";

    @Autowired CanonicalRepository repo;
    @Autowired MessageStore store;
    @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;
    @Value("${hub.mssante.address}") String hubAddress;

    static Patient patient(CanonicalRepository repo, String ins, String status) {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:oid:" + XdmFixtures.INS_TEST_OID).setValue(ins);
        p.addName().setFamily("TEST").addGiven("MSSANTE");
        org.hl7.fhir.r4.model.Extension rel = new org.hl7.fhir.r4.model.Extension(PatientIdentity.EXT_IDENTITY_RELIABILITY);
        rel.addExtension("identityStatus", new org.hl7.fhir.r4.model.Coding(
                "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445", status, null));
        p.addExtension(rel);
        repo.create(p, "identifier=urn:oid:" + XdmFixtures.INS_TEST_OID + "|" + ins);
        return repo.findPatientByIdentifier("urn:oid:" + XdmFixtures.INS_TEST_OID, ins).orElseThrow();
    }

    List<DocumentReference> documentsOf(Patient p) {
        return repo.search(DocumentReference.class, SearchParameterMap.newSynchronous(DocumentReference.SP_SUBJECT,
                new ReferenceParam(p.getIdElement().toUnqualifiedVersionless().getValue())));
    }

    fr.crt.hub.store.StoredMessage awaitStatus(String messageId, MessageStatus... statuses) {
        return await().atMost(WAIT).until(() -> store.findByControlId(MssanteInbound.TRANSPORT, messageId),
                m -> m.isPresent() && Arrays.asList(statuses).contains(m.get().status())).orElseThrow();
    }

    @Test
    void liaisonLettersInXdmLandOnThePatientWithAnMdnAndAreAppliedOnceWhenReadAgain() throws Exception {
        Patient patient = patient(repo, INS, "VALI");
        int before = documentsOf(patient).size();
        String id = Mails.newMessageId();
        XdmFixtures.Doc doc = XdmFixtures.n1Cda(INS);
        MimeMessage mail = Mails.mail(hubAddress, id, true, "IHE_XDM.ZIP", "application/zip", XdmFixtures.xdm(doc),
                "DOC0001.XML", "text/xml", doc.content());
        MssanteTestMail.mailbox(hubAddress).deliver(mail);

        var stored = awaitStatus(id, MessageStatus.PROCESSED);
        assertThat(stored.patientRef()).isEqualTo(patient.getIdElement().toUnqualifiedVersionless().getValue());
        List<DocumentReference> docs = documentsOf(patient);
        assertThat(docs).hasSize(before + 1);
        DocumentReference d = docs.stream().filter(x -> x.getMasterIdentifier().getValue().equals("urn:oid:" + doc.uniqueId()))
                .findFirst().orElseThrow();
        assertThat(d.getType().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(d.getType().getCodingFirstRep().getCode()).isEqualTo("11502-2");
        assertThat(d.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("10");
        assertThat(d.getSecurityLabelFirstRep().getCodingFirstRep().getCode()).isEqualTo("N");
        assertThat(d.getContentFirstRep().getFormat().getCode()).isEqualTo("urn:ihe:iti:xds-sd:pdf:2008");
        assertThat(d.getContentFirstRep().getAttachment().getUrl()).startsWith("Binary/");
        assertThat(d.getContentFirstRep().getAttachment().getSize()).isEqualTo(doc.content().length);
        assertThat(d.getContentFirstRep().getAttachment().getHash())
                .isEqualTo(java.security.MessageDigest.getInstance("SHA-1").digest(doc.content()));
        assertThat(d.getContentFirstRep().getAttachment().getCreationElement().getValueAsString()).startsWith("2023-11-03T16:17:23");
        assertThat(d.getAuthor()).extracting(r -> r.getIdentifier().getValue()).contains("899711256811", "499700367909006");
        org.hl7.fhir.r4.model.Binary binary = repo.read(org.hl7.fhir.r4.model.Binary.class,
                new org.hl7.fhir.r4.model.IdType(d.getContentFirstRep().getAttachment().getUrl()));
        assertThat(binary.getData()).isEqualTo(doc.content());
        // the 448 KB document is kept in HAPI's binary table, not as base64 inside the resource version
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM HFJ_BINARY_STORAGE_BLOB WHERE RESOURCE_ID = ? AND BLOB_SIZE = ?",
                Long.class, binary.getIdElement().toUnqualifiedVersionless().getValue(), doc.content().length)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT LENGTH(v.RES_TEXT_VC) FROM HFJ_RES_VER v JOIN HFJ_RESOURCE r ON r.RES_ID = v.RES_ID"
                + " WHERE r.RES_TYPE = 'Binary' AND r.FHIR_ID = ?", Integer.class, binary.getIdElement().getIdPart())).isLessThan(2_000);
        assertThat(repo.searchProvenanceByTag(fr.crt.hub.fhir.CanonicalWriter.MESSAGE_SYSTEM, String.valueOf(stored.id()))).hasSize(1);

        // the GP asked for a receipt: an RFC 8098 MDN comes back, referring to the mail
        MimeMessage mdn = await().atMost(WAIT).until(() -> receivedBy(Mails.GP, id), Optional::isPresent).orElseThrow();
        assertThat(mdn.getContentType()).contains("multipart/report").contains("disposition-notification");
        assertThat(mdn.getSubject()).doesNotStartWith(Receipts.KO_PREFIX);

        // a crash after the store and before the SEEN flag: the server still shows the mail unseen
        MailFolder inbox = MssanteTestMail.server().getManagers().getImapHostManager().getInbox(MssanteTestMail.mailbox(hubAddress));
        StoredMessage onServer = inbox.getMessages().stream().filter(m -> {
            try {
                return id.equals(m.getMimeMessage().getMessageID());
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertThat(onServer.isSet(Flags.Flag.SEEN)).isTrue();
        onServer.setFlag(Flags.Flag.SEEN, false);
        await().atMost(WAIT).until(() -> store.search(new MessageQuery(null, null, null, null, null, null, id, null, 0, 10)).size() == 2);
        var copies = store.search(new MessageQuery(null, null, null, null, null, null, id, null, 0, 10));
        assertThat(copies).extracting(fr.crt.hub.store.StoredMessage::status)
                .containsExactlyInAnyOrder(MessageStatus.PROCESSED, MessageStatus.DUPLICATE);
        await().atMost(WAIT).until(() -> onServer.isSet(Flags.Flag.SEEN));
        assertThat(documentsOf(patient)).hasSize(before + 1);
    }

    /**
     * camel-mail takes its copyTo / moveTo / delete instructions from the exchange's headers, and a mail's own headers
     * become exchange headers: a sender writing those headers must not decide what the hub does with the mail on the
     * server (moved into a folder it names, copied, deleted), nor where the JMS producer queues it.
     */
    @Test
    void aSendersHeadersDoNotSteerWhatHappensToTheMailOnTheServer() throws Exception {
        patient(repo, INS, "VALI");
        String id = Mails.newMessageId();
        MimeMessage mail = Mails.mail(hubAddress, id, false, "IHE_XDM.ZIP", "application/zip", XdmFixtures.xdm(XdmFixtures.dlu(INS)));
        mail.setHeader("moveTo", "Pirate");
        mail.setHeader("copyTo", "PirateCopy");
        mail.setHeader("delete", "true");
        mail.setHeader("CamelJmsDestinationName", "hub.elsewhere"); // would queue the mail where nothing processes it
        MssanteTestMail.mailbox(hubAddress).deliver(mail);
        awaitStatus(id, MessageStatus.PROCESSED);

        var host = MssanteTestMail.server().getManagers().getImapHostManager();
        var user = MssanteTestMail.mailbox(hubAddress);
        MailFolder inbox = host.getInbox(user);
        StoredMessage onServer = await().atMost(WAIT).until(() -> inbox.getMessages().stream().filter(m -> {
            try {
                return id.equals(m.getMimeMessage().getMessageID());
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElse(null), m -> m != null && m.isSet(Flags.Flag.SEEN));
        assertThat(onServer.isSet(Flags.Flag.DELETED)).isFalse();
        assertThat(host.getFolder(user, "Pirate")).isNull();
        assertThat(host.getFolder(user, "PirateCopy")).isNull();
    }

    @Test
    void dluAndDischargeLetterInOneMailBothLand() throws Exception {
        Patient patient = patient(repo, INS, "VALI");
        for (XdmFixtures.Doc doc : List.of(XdmFixtures.dlu(INS), XdmFixtures.ldlSes(INS))) {
            String id = Mails.newMessageId();
            MssanteTestMail.mailbox(hubAddress).deliver(Mails.mail(hubAddress, id, false, "IHE_XDM.ZIP", "application/zip",
                    XdmFixtures.xdm(doc)));
            awaitStatus(id, MessageStatus.PROCESSED);
            assertThat(documentsOf(patient)).anyMatch(d -> d.getMasterIdentifier().getValue().equals("urn:oid:" + doc.uniqueId())
                    && d.getType().getCodingFirstRep().getCode().equals(doc.typeCode().code()));
        }
    }

    @Test
    void anUnknownPatientIsKeptWithAClearStatus() throws Exception {
        String id = Mails.newMessageId();
        XdmFixtures.Doc doc = XdmFixtures.ldlSes("180032B020401");
        MssanteTestMail.mailbox(hubAddress).deliver(Mails.mail(hubAddress, id, false, "IHE_XDM.ZIP", "application/zip",
                XdmFixtures.xdm(new XdmFixtures.Doc(doc.content(), doc.mimeType(), doc.typeCode(), doc.classCode(), doc.formatCode(),
                        "299999999999999", doc.uniqueId() + ".9"))));
        var stored = awaitStatus(id, MessageStatus.PATIENT_UNKNOWN);
        assertThat(stored.statusReason()).contains("no single Patient carries the INS").doesNotContain("299999999999999");
        assertThat(store.raw(stored.id())).isPresent();

        // the patient becomes known: an operator asks for the mail to be processed again
        Patient later = patient(repo, "299999999999999", "PROV");
        var r = admin().postForEntity("/api/mssante/messages/" + stored.id() + "/reprocess", null, java.util.Map.class);
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        assertThat(awaitStatus(id, MessageStatus.PROCESSED).patientRef())
                .isEqualTo(later.getIdElement().toUnqualifiedVersionless().getValue());
        assertThat(documentsOf(later)).hasSize(1);
    }

    @Test
    void aPdfWithoutXdmWaitsForAPerson() throws Exception {
        String id = Mails.newMessageId();
        MssanteTestMail.mailbox(hubAddress).deliver(Mails.mail(hubAddress, id, false, "compte-rendu.pdf", "application/pdf",
                "%PDF-1.4 test".getBytes()));
        var stored = awaitStatus(id, MessageStatus.AWAITING_ATTACHMENT);
        assertThat(stored.statusReason()).contains("to be attached to a patient by a person");
        // a mail is not replayed as if it were HL7: the HL7 replay refuses it and names the mail reprocess instead
        var replay = admin().postForEntity("/api/messages/" + stored.id() + "/replay", null, Map.class);
        assertThat(replay.getStatusCode().value()).isEqualTo(409);
        assertThat((String) replay.getBody().get("error")).contains("/reprocess");
    }

    private static Optional<MimeMessage> receivedBy(String address, String originalId) throws Exception {
        for (MimeMessage m : MssanteTestMail.server().getReceivedMessages()) {
            if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equalsIgnoreCase(address))
                    && originalId.equals(m.getHeader("In-Reply-To", null)) && m.getContent() instanceof MimeMultipart) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
