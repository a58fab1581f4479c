package fr.crt.hub.mssante;

import fr.crt.hub.access.AccessMatrix;
import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.xdm.Code;
import fr.crt.hub.xdm.XdmDocumentEntry;
import fr.crt.hub.xdm.XdmPackageWriter;
import fr.crt.hub.xdm.XdmSubmissionSet;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Outbound MSSanté ({@code routes/mssante-outbound.yaml}): checks, builds and records a mail carrying one document of
 * a patient, in this order: the recipient's role (mappings/mssante-directory.yaml) may receive the document type
 * (mappings/access-matrix.yaml), else nothing is built and the refusal is audited (DESIGN rule 4); the patient's INS is
 * qualified, else the send is HELD with the reason (rule 3: only a qualified INS goes into structured metadata); then
 * the MIME message (document + {@code IHE_XDM.ZIP} from the canonical metadata, X-MSS-* headers, optional
 * Disposition-Notification-To) is stored as an outbound message before it is handed to SMTP.
 */
@Component("mssanteOutbound")
public class MssanteOutbound {

    private static final Logger log = LoggerFactory.getLogger(MssanteOutbound.class);
    private static final DateTimeFormatter DTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    static final String IDNST_OID = "1.2.250.1.71.4.2.2";

    private final CanonicalRepository repo;
    private final PatientIdentity identity;
    private final MssanteDirectory directory;
    private final AccessMatrix matrix;
    private final AuditTrail audit;
    private final MessageStore store;
    private final DocumentTypes types;
    private final MailTransport transport;
    private final String sourceOid;
    private final String institution;
    private final XdmPackageWriter xdmWriter = new XdmPackageWriter("CRT Hub (fr.crt.hub.xdm.XdmPackageWriter)");

    public MssanteOutbound(CanonicalRepository repo, PatientIdentity identity, MssanteDirectory directory, AccessMatrix matrix,
                           AuditTrail audit, MessageStore store, DocumentTypes types, MailTransport transport,
                           @Value("${hub.mssante.source-oid:1.2.250.1.999.2}") String sourceOid,
                           @Value("${hub.mssante.institution:CRT Hub (developpement)^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1999999999}") String institution) {
        this.repo = repo;
        this.identity = identity;
        this.directory = directory;
        this.matrix = matrix;
        this.audit = audit;
        this.store = store;
        this.types = types;
        this.transport = transport;
        this.sourceOid = sourceOid;
        this.institution = institution;
    }

    /** Route step: body {@link SendRequest} in; body {@link MimeMessage} and property {@code mssanteReady} when it may leave. */
    public void prepare(Exchange exchange) throws MessagingException, IOException {
        SendRequest req = exchange.getIn().getBody(SendRequest.class);
        exchange.setProperty("mssanteReady", false);
        Patient patient;
        DocumentReference doc;
        try {
            patient = repo.read(Patient.class, new IdType("Patient", bare(req.patientId())));
            doc = repo.read(DocumentReference.class, new IdType("DocumentReference", bare(req.documentReferenceId())));
        } catch (RuntimeException e) {
            exchange.getIn().setBody(SendResult.notFound("patient or document not found"));
            return;
        }
        String patientRef = patient.getIdElement().toUnqualifiedVersionless().getValue();
        String docRef = doc.getIdElement().toUnqualifiedVersionless().getValue();
        if (!patientRef.equals(doc.getSubject().getReference())) {
            exchange.getIn().setBody(SendResult.notFound("the document is not about this patient"));
            return;
        }
        String recipient = req.recipient() == null ? "" : req.recipient().trim().toLowerCase(Locale.ROOT);
        String typeCode = doc.getType().getCodingFirstRep().getCode();
        Optional<String> role = directory.role(recipient);
        if (role.isEmpty() || !matrix.canReceiveDocument(role.get(), typeCode)) {
            String reason = role.isEmpty() ? "recipient not in the MSSanté directory: no role, nothing sent"
                    : "recipient role " + role.get() + " may not receive document type " + typeCode + " (access matrix)";
            long id = record(req, recipient, null, summary(docRef, recipient), MessageStatus.REJECTED, reason);
            audit.record(new AuditRecord("E", "mssante-send", who(req), req.requesterRole(), patientRef, docRef,
                    AuditRecord.Outcome.MINOR_FAILURE, "refused: " + reason + " (message " + id + ")"));
            exchange.getIn().setBody(new SendResult(id, MessageStatus.REJECTED, reason, null));
            return;
        }
        if (!identity.qualified(patient)) {
            String reason = "INS not qualified (identity status not VALI/QUAL, or no INS): it may not be carried in structured"
                    + " metadata; send held until the identity is qualified";
            // the request itself is kept (ids and address only): MssanteHeldSends sends it once the identity is qualified
            long id = record(req, recipient, null, MssanteHeldSends.json(req), MessageStatus.HELD, reason);
            store.attachPatient(id, patientRef);
            audit.record(new AuditRecord("E", "mssante-send", who(req), req.requesterRole(), patientRef, docRef,
                    AuditRecord.Outcome.MINOR_FAILURE, "held: INS not qualified (message " + id + ")"));
            exchange.getIn().setBody(new SendResult(id, MessageStatus.HELD, reason, null));
            return;
        }
        byte[] content = content(doc);
        MailboxSettings from = transport.sender();
        String messageId = "<" + UUID.randomUUID() + "@" + from.address().substring(from.address().indexOf('@') + 1) + ">";
        MimeMessage mail = build(from.address(), recipient, messageId, req.readReceipt(), patient, doc, content);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        mail.writeTo(raw);
        long id = record(req, recipient, messageId, raw.toByteArray(), MessageStatus.QUEUED, null);
        store.event(id, "BUILT", "document " + docRef + " to role " + role.get());
        exchange.setProperty("mssanteOutboundId", id);
        exchange.setProperty("mssanteSmtpUri", MailTransport.uri(from));
        exchange.setProperty("mssanteAudit", new AuditRecord("E", "mssante-send", who(req), req.requesterRole(), patientRef, docRef,
                AuditRecord.Outcome.SUCCESS, "sent to role " + role.get() + " (message " + id + ")"));
        exchange.setProperty("mssanteReady", true);
        exchange.setProperty("mssanteMailMessageId", messageId);
        exchange.getIn().setBody(mail);
    }

    /** Route step after SMTP accepted the mail. */
    public SendResult sent(Exchange exchange) {
        long id = exchange.getProperty("mssanteOutboundId", Long.class);
        store.markStatus(id, MessageStatus.SENT, null);
        store.event(id, "SENT", "accepted by the SMTP server");
        audit.record(exchange.getProperty("mssanteAudit", AuditRecord.class));
        log.info("outbound mail message {} sent", id);
        return new SendResult(id, MessageStatus.SENT, null, exchange.getProperty("mssanteMailMessageId", String.class));
    }

    /** Route step when SMTP failed: kept, visible, to be sent again by an operator. */
    public SendResult failed(Exchange exchange) {
        long id = exchange.getProperty("mssanteOutboundId", Long.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = "SMTP submission failed: " + (e == null ? "unknown error" : e.getClass().getSimpleName());
        store.markFailedAttempt(id, MessageStatus.DEAD_LETTER, reason);
        store.event(id, "ERROR", reason);
        log.warn("outbound mail message {} not sent: {}", id, reason);
        return new SendResult(id, MessageStatus.DEAD_LETTER, reason, exchange.getProperty("mssanteMailMessageId", String.class));
    }

    MimeMessage build(String from, String to, String messageId, boolean readReceipt, Patient patient, DocumentReference doc,
                      byte[] content) throws MessagingException {
        Identifier ins = identity.insOf(patient).orElseThrow();
        String insOid = ins.getSystem().substring("urn:oid:".length());
        String mime = doc.getContentFirstRep().getAttachment().getContentType();
        boolean cda = mime != null && (mime.startsWith("text/xml") || mime.startsWith("application/xml"));
        Coding type = doc.getType().getCodingFirstRep();
        byte[] xdm = xdm(patient, ins.getValue(), insOid, doc, content, to);

        MimeMessage m = new FixedIdMimeMessage(Session.getInstance(new Properties()), messageId);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(to));
        // No patient identity in the subject: it travels in clear between operators' servers and shows in lists.
        m.setSubject("Document CRT : " + (type.getDisplay() == null ? type.getCode() : type.getDisplay()), "UTF-8");
        m.setSentDate(new java.util.Date());
        if (readReceipt) m.setHeader("Disposition-Notification-To", from);
        if (cda) {
            // Référentiel socle MSSanté #2, ECO.2.4.1: X-MSS-CODECDA = the CDA header code, when a CDA travels in an XDM.
            m.setHeader("X-MSS-CODECDA", type.getCode());
            // ECO.2.4.2: X-MSS-INS set when that CDA carries the patient's INS ("O" as in the published examples).
            m.setHeader("X-MSS-INS", "O");
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Document transmis par le CRT via MSSanté. Le document et ses métadonnées (IHE_XDM.ZIP) sont joints.",
                "UTF-8");
        mixed.addBodyPart(text);
        MimeBodyPart document = new MimeBodyPart();
        document.setDataHandler(new DataHandler(new ByteArrayDataSource(content, mime == null ? "application/octet-stream" : mime)));
        document.setFileName(cda ? "DOC0001.XML" : "DOC0001." + extension(mime));
        document.setDisposition(MimeBodyPart.ATTACHMENT);
        mixed.addBodyPart(document);
        MimeBodyPart zip = new MimeBodyPart();
        zip.setDataHandler(new DataHandler(new ByteArrayDataSource(xdm, "application/zip")));
        zip.setFileName("IHE_XDM.ZIP");
        zip.setDisposition(MimeBodyPart.ATTACHMENT);
        mixed.addBodyPart(zip);
        m.setContent(mixed);
        m.saveChanges();
        return m;
    }

    byte[] xdm(Patient patient, String ins, String insOid, DocumentReference doc, byte[] content, String recipient) {
        String cx = ins + "^^^&" + insOid + "&ISO^NH";
        String now = DTM.format(Instant.now());
        Attachment a = doc.getContentFirstRep().getAttachment();
        String uniqueId = doc.hasMasterIdentifier() && doc.getMasterIdentifier().getValue().startsWith("urn:oid:")
                ? doc.getMasterIdentifier().getValue().substring(8) : uuidOid();
        List<Code> confidentiality = new ArrayList<>();
        for (CodeableConcept c : doc.getSecurityLabel()) confidentiality.add(code(c.getCodingFirstRep()));
        if (confidentiality.isEmpty()) confidentiality.add(new Code("N", "2.16.840.1.113883.5.25", "Normal"));
        Code type = code(doc.getType().getCodingFirstRep());
        Code classCode = doc.hasCategory() ? code(doc.getCategoryFirstRep().getCodingFirstRep())
                : new Code("10", "1.2.250.1.213.1.1.4.1", "Compte rendu");
        Code format = doc.getContentFirstRep().hasFormat() ? code(doc.getContentFirstRep().getFormat())
                : new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en Pdf/A-1");
        XdmDocumentEntry entry = new XdmDocumentEntry("urn:uuid:" + UUID.randomUUID(), uniqueId, a.getContentType(), null, null, null,
                a.hasTitle() ? a.getTitle() : type.display(), a.hasCreation() ? DTM.format(a.getCreation().toInstant()) : now,
                a.hasLanguage() ? a.getLanguage() : "fr-FR", cx, ins + "^^^&" + insOid + "&ISO^PI", List.of(), List.of(institution),
                classCode, type, format, confidentiality, null, null, content);
        XdmSubmissionSet ss = new XdmSubmissionSet("urn:uuid:" + UUID.randomUUID(), uuidOid(), sourceOid, cx, now,
                "Envoi CRT", type, List.of(), List.of(institution), List.of("|" + recipient + "^^Internet^" + recipient));
        return xdmWriter.write(ss, List.of(entry));
    }

    private Code code(Coding c) {
        return new Code(c.getCode(), types.oid(c.getSystem()), c.getDisplay());
    }

    private byte[] content(DocumentReference doc) {
        Attachment a = doc.getContentFirstRep().getAttachment();
        if (a.hasData()) return a.getData();
        Binary b = repo.read(Binary.class, new IdType(a.getUrl()));
        // Large contents live in HAPI's binary table and are put back on read (fr.crt.hub.fhir.BinaryStorageConfig);
        // one that was not (over the inflate cap) must stop the send, not go out as an empty document.
        if (!b.hasData()) throw new IllegalStateException(a.getUrl() + ": content not available (over hub.fhir.binary-storage.inflate-maximum?)");
        return b.getData();
    }

    private long record(SendRequest req, String recipient, String messageId, byte[] raw, MessageStatus status, String reason) {
        long id = store.store(new IncomingMessage(truncate(recipient, 64), transport.sender().id(), MssanteInbound.TRANSPORT_OUT,
                Instant.now(), messageId, "MAIL", null, null, raw, status, reason, null, null, null, null)).id();
        store.event(id, "REQUESTED", "send requested by " + who(req));
        return id;
    }

    private static byte[] summary(String docRef, String recipient) {
        return ("not sent: " + docRef + " to " + recipient).getBytes(StandardCharsets.UTF_8);
    }

    private static String who(SendRequest r) {
        return r.requestedBy() == null ? AuditRecord.SYSTEM_ACTOR : r.requestedBy();
    }

    private static String bare(String id) {
        if (id == null) return "";
        int slash = id.lastIndexOf('/');
        return slash >= 0 ? id.substring(slash + 1) : id;
    }

    private static String extension(String mime) {
        return mime != null && mime.contains("pdf") ? "PDF" : "BIN";
    }

    /** A fresh OID under 2.25 (ITU-T X.667: UUID as an integer). */
    static String uuidOid() {
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
