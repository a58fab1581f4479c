package fr.crt.hub.mssante;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.xdm.Code;
import fr.crt.hub.xdm.XdmDocumentEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Service;

/**
 * A person attaches the documents of a mail that came without XDM (status AWAITING_ATTACHMENT) to a patient, with the
 * document type they read on it: the hub never guesses whose a document is. Audited.
 */
@Service
public class MssanteAttach {

    /** Outcome: {@code error} set when refused (and why), else the DocumentReferences written. */
    public record Result(int httpStatus, String error, List<String> documentReferences) {}

    private final MessageStore store;
    private final CanonicalRepository repo;
    private final DocumentTypes types;
    private final DocumentWriter writer;
    private final AuditTrail audit;

    public MssanteAttach(MessageStore store, CanonicalRepository repo, DocumentTypes types, DocumentWriter writer, AuditTrail audit) {
        this.store = store;
        this.repo = repo;
        this.types = types;
        this.writer = writer;
        this.audit = audit;
    }

    public Result attach(long messageId, String patientId, String typeCode, String user, String role) {
        StoredMessage m = store.findWithRaw(messageId).orElse(null);
        if (m == null || !MssanteInbound.TRANSPORT.equals(m.transport())) return new Result(404, "no received mail with this id", List.of());
        if (m.status() != MessageStatus.AWAITING_ATTACHMENT) {
            return new Result(409, "mail is " + m.status() + ", not AWAITING_ATTACHMENT", List.of());
        }
        Optional<Code> type = typeCode == null ? Optional.empty() : types.typeCode(typeCode);
        if (type.isEmpty()) return new Result(400, "typeCode is not a JDV_J07 code (mappings/document-types.yaml)", List.of());
        Patient patient;
        try {
            String bare = patientId == null ? "" : patientId.substring(patientId.lastIndexOf('/') + 1);
            patient = repo.read(Patient.class, new IdType("Patient", bare));
        } catch (RuntimeException e) {
            return new Result(404, "no such patient", List.of());
        }
        MailContent mail;
        try {
            mail = MailContent.parse(m.raw(), MailContent.Limits.DEFAULT);
        } catch (MailRejectedException e) {
            return new Result(409, "mail cannot be read: " + e.getMessage(), List.of());
        }
        List<XdmDocumentEntry> entries = new ArrayList<>();
        for (MailContent.Attachment a : mail.attachments()) {
            if (!a.isDocument()) continue;
            String mime = a.contentType().startsWith("application/pdf") || (a.filename() != null && a.filename().toLowerCase().endsWith(".pdf"))
                    ? "application/pdf" : "text/xml";
            entries.add(new XdmDocumentEntry(null, null, mime, null, null, null, a.filename(), null, null, null, null, List.of(),
                    List.of(), null, type.get(), null, List.of(new Code("N", "2.16.840.1.113883.5.25", "Normal")), null, null,
                    a.bytes()));
        }
        String patientRef = patient.getIdElement().toUnqualifiedVersionless().getValue();
        List<String> written = writer.write(patient, entries, messageId, "mssante-manual-attach");
        store.markProcessed(messageId, patientRef);
        store.event(messageId, "ATTACHED", "attached by " + user + " as " + typeCode + ": " + String.join(", ", written));
        audit.record(new AuditRecord("C", "mssante-attach", user, role, patientRef, "hub-message/" + messageId,
                AuditRecord.Outcome.SUCCESS, entries.size() + " document(s) attached as " + typeCode));
        return new Result(200, null, written);
    }
}
