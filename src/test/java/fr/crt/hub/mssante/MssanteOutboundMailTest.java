package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.MssanteTestMail;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.Samples;
import fr.crt.hub.xdm.Code;
import fr.crt.hub.xdm.Cx;
import fr.crt.hub.xdm.XdmDocumentEntry;
import fr.crt.hub.xdm.XdmFixtures;
import fr.crt.hub.xdm.XdmPackage;
import fr.crt.hub.xdm.XdmPackageReader;
import fr.crt.hub.xdm.XdmStructure;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * Outbound MSSanté through POST /api/mssante/send and the real SMTPS connector: a qualified patient's discharge
 * letter reaches a GP with a conforming IHE_XDM.ZIP and the X-MSS-* headers; the GP's MDN and a bounce update the
 * sent message; a recipient whose role may not see the type gets nothing (audited); an unqualified INS is held; a PDF
 * without XDM is attached by an operator.
 */
class MssanteOutboundMailTest extends HubTestBase {

    static final String QUALIFIED_INS = "274075176079430";
    static final String PROVISIONAL_INS = "162018885045327";

    @Autowired CanonicalRepository repo;
    @Autowired MessageStore store;
    @Autowired DocumentWriter writer;
    @Autowired JdbcUserDetailsManager users;
    @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;
    @Autowired org.springframework.security.crypto.password.PasswordEncoder encoder;
    @Value("${hub.mssante.address}") String hubAddress;

    String letterOf(Patient p, String uniqueId) {
        byte[] cda = Samples.bytes("cda/LDL-SES_2022.01.xml");
        XdmDocumentEntry e = new XdmDocumentEntry(null, uniqueId, "text/xml", null, null, null, "Lettre de liaison", "20191203123000",
                "fr-FR", null, null, List.of("899700367909^KIT^DOC^^^^^^&1.2.250.1.71.4.2.1&ISO"), List.of(),
                new Code("11", "1.2.250.1.213.1.1.4.1", "Compte rendu"), new Code("11490-0", "2.16.840.1.113883.6.1", null),
                new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "PDF"),
                List.of(new Code("N", "2.16.840.1.113883.5.25", "Normal")), null, null, cda);
        return writer.write(p, List.of(e), -System.nanoTime(), "test").get(0);
    }

    @org.springframework.beans.factory.annotation.Autowired
    MssanteHeldSends heldSends;

    ResponseEntity<Map> send(String patient, String doc, String recipient) {
        return admin().postForEntity("/api/mssante/send", Map.of("patientId", patient, "documentReferenceId", doc,
                "recipient", recipient, "readReceipt", true), Map.class);
    }

    @Test
    void aQualifiedPatientsLetterReachesTheGpWithAConformingXdmAndReceiptsComeBack() throws Exception {
        Patient p = MssanteInboundMailTest.patient(repo, QUALIFIED_INS, "VALI");
        String doc = letterOf(p, "1.2.250.1.999.3.1." + System.nanoTime());
        ResponseEntity<Map> r = send(p.getIdElement().toUnqualifiedVersionless().getValue(), doc, Mails.GP);
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
        String mailId = (String) r.getBody().get("mailMessageId");

        MimeMessage got = await().atMost(WAIT).until(() -> received(mailId), Optional::isPresent).orElseThrow();
        assertThat(got.getAllRecipients()[0].toString()).isEqualTo(Mails.GP);
        assertThat(got.getHeader("X-MSS-CODECDA", null)).isEqualTo("11490-0");
        assertThat(got.getHeader("X-MSS-INS", null)).isEqualTo("O");
        assertThat(got.getHeader("Disposition-Notification-To", null)).isEqualTo(hubAddress);
        assertThat(got.getSubject()).doesNotContain(QUALIFIED_INS);
        MimeMultipart mp = (MimeMultipart) got.getContent();
        byte[] cda = part(mp, "DOC0001.XML");
        byte[] zip = part(mp, "IHE_XDM.ZIP");
        assertThat(cda).isEqualTo(Samples.bytes("cda/LDL-SES_2022.01.xml"));
        assertThat(XdmStructure.violations(zip)).isEmpty();
        XdmPackage pkg = new XdmPackageReader().read(zip);
        assertThat(Cx.parse(pkg.submissionSet().patientId())).isEqualTo(new Cx(QUALIFIED_INS, XdmFixtures.INS_TEST_OID, "NH"));
        assertThat(pkg.submissionSet().intendedRecipients()).singleElement().asString().contains(Mails.GP);
        XdmDocumentEntry e = pkg.documents().get(0);
        assertThat(e.content()).isEqualTo(cda);
        assertThat(e.typeCode().code()).isEqualTo("11490-0");
        assertThat(e.typeCode().scheme()).isEqualTo("2.16.840.1.113883.6.1");
        assertThat(e.classCode().code()).isEqualTo("11");
        assertThat(e.creationTime()).isEqualTo("20191203123000");
        assertThat(Cx.parse(e.sourcePatientId()).typeCode()).isEqualTo("PI");
        assertThat(store.findByControlId(MssanteInbound.TRANSPORT_OUT, mailId).orElseThrow().status()).isEqualTo(MessageStatus.SENT);

        // the GP's client answers with an MDN: the sent message becomes READ
        MssanteTestMail.mailbox(hubAddress).deliver(Receipts.mdn(Mails.GP, hubAddress, mailId, got.getSubject(), null));
        await().atMost(WAIT).until(() -> store.findByControlId(MssanteInbound.TRANSPORT_OUT, mailId).orElseThrow().status() == MessageStatus.READ);

        // a second send bounces (DSN failed): BOUNCED
        ResponseEntity<Map> r2 = send(p.getIdElement().toUnqualifiedVersionless().getValue(), doc, Mails.GP);
        String mailId2 = (String) r2.getBody().get("mailMessageId");
        String dsn = "From: MAILER-DAEMON@test.mssante.fr\r\nTo: " + hubAddress + "\r\nMessage-ID: " + Mails.newMessageId()
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
                + "--B\r\nContent-Type: text/plain\r\n\r\nUndeliverable\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
                + "Reporting-MTA: dns; test.mssante.fr\r\n\r\nFinal-Recipient: rfc822; " + Mails.GP + "\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: " + mailId2 + "\r\n\r\n--B--\r\n";
        MssanteTestMail.mailbox(hubAddress).deliver(Mails.parse(dsn.getBytes()));
        await().atMost(WAIT).until(() -> store.findByControlId(MssanteInbound.TRANSPORT_OUT, mailId2).orElseThrow().status() == MessageStatus.BOUNCED);
        assertThat(store.findByControlId(MssanteInbound.TRANSPORT_OUT, mailId2).orElseThrow().statusReason()).contains("5.1.1");
    }

    /**
     * A received PDF over the binary-storage threshold (64 KB) is written by the MSSanté transaction into HAPI's binary
     * table, not into the Binary's JSON, and the outbound read gets it back whole (auto-inflation) into the mail.
     */
    @Test
    void aLargeDocumentKeptOutsideTheResourceJsonIsSentWhole() throws Exception {
        Patient p = MssanteInboundMailTest.patient(repo, QUALIFIED_INS, "VALI");
        byte[] pdf = new byte[300_000];
        new java.util.Random(11).nextBytes(pdf);
        XdmDocumentEntry e = new XdmDocumentEntry(null, "1.2.250.1.999.3.4." + System.nanoTime(), "application/pdf", null, null, null,
                "Compte rendu", "20191203123000", "fr-FR", null, null, List.of(), List.of(),
                new Code("11", "1.2.250.1.213.1.1.4.1", "Compte rendu"), new Code("11490-0", "2.16.840.1.113883.6.1", null),
                new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "PDF"),
                List.of(new Code("N", "2.16.840.1.113883.5.25", "Normal")), null, null, pdf);
        String doc = writer.write(p, List.of(e), -System.nanoTime(), "test").get(0);
        String binary = repo.read(DocumentReference.class, new org.hl7.fhir.r4.model.IdType(doc)).getContentFirstRep().getAttachment().getUrl();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM HFJ_BINARY_STORAGE_BLOB WHERE RESOURCE_ID = ? AND BLOB_SIZE = ?",
                Long.class, binary, pdf.length)).isEqualTo(1);

        ResponseEntity<Map> r = send(p.getIdElement().toUnqualifiedVersionless().getValue(), doc, Mails.GP);
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
        String mailId = (String) r.getBody().get("mailMessageId");
        MimeMessage got = await().atMost(WAIT).until(() -> received(mailId), Optional::isPresent).orElseThrow();
        MimeMultipart mp = (MimeMultipart) got.getContent();
        assertThat(part(mp, "DOC0001.PDF")).isEqualTo(pdf);
        assertThat(new XdmPackageReader().read(part(mp, "IHE_XDM.ZIP")).documents().get(0).content()).isEqualTo(pdf);
    }

    @Test
    void aRecipientWhoseRoleMayNotSeeTheTypeGetsNothingAndTheAttemptIsAudited() throws Exception {
        Patient p = MssanteInboundMailTest.patient(repo, QUALIFIED_INS, "VALI");
        String doc = letterOf(p, "1.2.250.1.999.3.2." + System.nanoTime());
        int before = MssanteTestMail.server().getReceivedMessages().length;
        for (String recipient : List.of("ars-idf@test.mssante.fr", "unknown@elsewhere.mssante.fr")) {
            ResponseEntity<Map> r = send(p.getIdElement().toUnqualifiedVersionless().getValue(), doc, recipient);
            assertThat(r.getStatusCode().value()).isEqualTo(403);
            assertThat(r.getBody().get("status")).isEqualTo("REJECTED");
            long id = ((Number) r.getBody().get("messageId")).longValue();
            assertThat(store.find(id).orElseThrow().transport()).isEqualTo(MssanteInbound.TRANSPORT_OUT);
        }
        assertThat(Arrays.stream(MssanteTestMail.server().getReceivedMessages()).skip(before))
                .noneMatch(m -> m.toString().contains("ars-idf"));
        List<AuditEvent> audits = repo.search(AuditEvent.class, SearchParameterMap.newSynchronous(AuditEvent.SP_ENTITY, new ReferenceParam(doc)));
        assertThat(audits).filteredOn(a -> a.getSubtypeFirstRep().getCode().equals("mssante-send") && a.getOutcome().toCode().equals("4"))
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(MssanteTestMail.server().getReceivedMessages()).noneMatch(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().startsWith("ars-idf") || a.toString().startsWith("unknown@"));
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void anUnqualifiedInsIsHeldWithTheReason() {
        Patient p = MssanteInboundMailTest.patient(repo, PROVISIONAL_INS, "PROV");
        String doc = letterOf(p, "1.2.250.1.999.3.3." + System.nanoTime());
        ResponseEntity<Map> r = send(p.getIdElement().toUnqualifiedVersionless().getValue(), doc, Mails.GP);
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        assertThat(r.getBody().get("status")).isEqualTo("HELD");
        assertThat((String) r.getBody().get("reason")).contains("INS not qualified");
    }

    @Test
    void aHeldSendLeavesOnceAPersonQualifiesTheIdentity() throws Exception {
        // an INS recovered from INSi (RECUP) but not yet qualified by a person: the send is held
        String ins = fr.crt.hub.support.AdtMessages.Person.of(700_000 + (int) (System.nanoTime() % 100_000)).nir();
        Patient p = MssanteInboundMailTest.patient(repo, ins, "RECUP");
        String patient = p.getIdElement().toUnqualifiedVersionless().getValue();
        String doc = letterOf(p, "1.2.250.1.999.3.4." + System.nanoTime());
        ResponseEntity<Map> r = send(patient, doc, Mails.GP);
        assertThat(r.getBody().get("status")).isEqualTo("HELD");
        long held = ((Number) r.getBody().get("messageId")).longValue();
        assertThat(new String(store.raw(held).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8))
                .contains(doc.substring(doc.indexOf('/') + 1)).doesNotContain("TEST");
        int before = MssanteTestMail.server().getReceivedMessages().length;

        // an operator qualifies the identity on a passport: the held letter leaves, once
        ResponseEntity<Map> q = admin().postForEntity("/api/identities/" + p.getIdElement().getIdPart() + "/qualify",
                Map.of("documentType", "PA"), Map.class);
        assertThat(q.getStatusCode().value()).as(String.valueOf(q.getBody())).isEqualTo(200);
        await().atMost(WAIT).until(() -> store.find(held).orElseThrow().status() == MessageStatus.RELEASED);
        await().atMost(WAIT).until(() -> Arrays.stream(MssanteTestMail.server().getReceivedMessages()).skip(before)
                .anyMatch(m -> m.toString() != null && recipients(m).contains(Mails.GP)));
        String released = store.events(held).stream().filter(e -> "RELEASED".equals(e.stage())).findFirst().orElseThrow().detail();
        assertThat(released).contains("SENT");
        // a later change of the person sends nothing more
        assertThat(heldSends.release(patient)).isZero();
    }

    static String recipients(jakarta.mail.internet.MimeMessage m) {
        try {
            return Arrays.toString(m.getAllRecipients());
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void onlyOperatorsAndAdminsMaySend() {
        if (!users.userExists("auditor-mss")) {
            users.createUser(User.withUsername("auditor-mss").password(encoder.encode("x")).roles("AUDITOR").build());
        }
        ResponseEntity<Map> r = rest.withBasicAuth("auditor-mss", "x").postForEntity("/api/mssante/send",
                Map.of("patientId", "1", "documentReferenceId", "2", "recipient", Mails.GP), Map.class);
        assertThat(r.getStatusCode().value()).isEqualTo(403);
    }

    @Test
    void aPdfWithoutXdmIsAttachedByAnOperator() throws Exception {
        Patient p = MssanteInboundMailTest.patient(repo, QUALIFIED_INS, "VALI");
        String id = Mails.newMessageId();
        MssanteTestMail.mailbox(hubAddress).deliver(Mails.mail(hubAddress, id, false, "courrier.pdf", "application/pdf",
                "%PDF-1.4 courrier".getBytes()));
        long stored = await().atMost(WAIT).until(() -> store.findByControlId(MssanteInbound.TRANSPORT, id),
                m -> m.isPresent() && m.get().status() == MessageStatus.AWAITING_ATTACHMENT).orElseThrow().id();
        String patient = p.getIdElement().toUnqualifiedVersionless().getValue();
        ResponseEntity<Map> bad = admin().postForEntity("/api/mssante/messages/" + stored + "/attach",
                Map.of("patientId", patient, "typeCode", "NOT-A-CODE"), Map.class);
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        ResponseEntity<Map> ok = admin().postForEntity("/api/mssante/messages/" + stored + "/attach",
                Map.of("patientId", patient, "typeCode", "11490-0"), Map.class);
        assertThat(ok.getStatusCode().value()).as(String.valueOf(ok.getBody())).isEqualTo(200);
        String ref = ((List<String>) ok.getBody().get("documentReferences")).get(0);
        DocumentReference d = repo.read(DocumentReference.class, new org.hl7.fhir.r4.model.IdType(ref));
        assertThat(d.getType().getCodingFirstRep().getCode()).isEqualTo("11490-0");
        assertThat(d.getSubject().getReference()).isEqualTo(patient);
        assertThat(store.find(stored).orElseThrow().status()).isEqualTo(MessageStatus.PROCESSED);
        ResponseEntity<Map> again = admin().postForEntity("/api/mssante/messages/" + stored + "/attach",
                Map.of("patientId", patient, "typeCode", "11490-0"), Map.class);
        assertThat(again.getStatusCode().value()).isEqualTo(409);
    }

    private static Optional<MimeMessage> received(String messageId) throws Exception {
        for (MimeMessage m : MssanteTestMail.server().getReceivedMessages()) {
            if (messageId.equals(m.getMessageID())) return Optional.of(m);
        }
        return Optional.empty();
    }

    private static byte[] part(MimeMultipart mp, String filename) throws Exception {
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart b = mp.getBodyPart(i);
            if (filename.equals(b.getFileName())) return b.getInputStream().readAllBytes();
        }
        throw new AssertionError("no part " + filename);
    }
}
