package fr.crt.hub.mssante;

import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import fr.crt.hub.xdm.Cx;
import fr.crt.hub.xdm.XdmDocumentEntry;
import fr.crt.hub.xdm.XdmLimits;
import fr.crt.hub.xdm.XdmPackage;
import fr.crt.hub.xdm.XdmPackageReader;
import fr.crt.hub.xdm.XdmRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Applies one stored mail ({@code routes/mssante-inbound.yaml}, route {@code mssante-processing}). Every outcome is a
 * status with a reason an operator can act on: PROCESSED (documents on the patient, or a receipt applied),
 * PATIENT_UNKNOWN (no Patient carries the INS: kept, replayable), AWAITING_ATTACHMENT (documents without XDM: a person
 * attaches them), REJECTED (unreadable or hostile mail or package). Content problems never throw, so the mailbox loop
 * goes on; only infrastructure failures do (and are retried by the route).
 */
@Component("mssanteProcessor")
public class MssanteProcessor {

    private static final Logger log = LoggerFactory.getLogger(MssanteProcessor.class);

    private final MessageStore store;
    private final PatientIdentity identity;
    private final DocumentWriter writer;
    private final Receipts receipts;
    private final SmimeVerifier smime;
    private final XdmPackageReader xdm = new XdmPackageReader(XdmLimits.DEFAULT);
    private final MailContent.Limits limits = MailContent.Limits.DEFAULT;

    public MssanteProcessor(MessageStore store, PatientIdentity identity, DocumentWriter writer, Receipts receipts,
                            SmimeVerifier smime) {
        this.store = store;
        this.identity = identity;
        this.writer = writer;
        this.receipts = receipts;
        this.smime = smime;
    }

    public void process(long id) {
        StoredMessage m = store.findWithRaw(id).orElse(null);
        if (m == null || m.status() == MessageStatus.PROCESSED || m.status() == MessageStatus.DUPLICATE) return;
        MailContent mail;
        try {
            mail = MailContent.parse(m.raw(), limits);
        } catch (MailRejectedException e) {
            reject(m, "mail refused: " + e.getMessage(), null);
            return;
        }
        if (mail.signed() != null) {
            SmimeVerifier.Check check = smime.verify(mail.signed(), java.util.Date.from(m.receivedAt()));
            if (check.outcome() == SmimeVerifier.Outcome.INVALID) {
                reject(m, check.detail(), mail.kind() == MailContent.Kind.MAIL ? mail : null);
                return;
            }
            store.event(id, "SMIME", check.detail());
        }
        if (mail.kind() != MailContent.Kind.MAIL) {
            receipts.apply(id, mail);
            store.markProcessed(id, null);
            return;
        }
        List<MailContent.Attachment> xdms = mail.attachments().stream().filter(MailContent.Attachment::isXdm).toList();
        if (xdms.isEmpty()) {
            long docs = mail.attachments().stream().filter(MailContent.Attachment::isDocument).count();
            if (docs > 0) {
                store.markFailedAttempt(id, MessageStatus.AWAITING_ATTACHMENT, docs
                        + " document(s) without IHE_XDM.ZIP metadata: to be attached to a patient by a person");
                store.event(id, "AWAITING_ATTACHMENT", docs + " document(s)");
            } else {
                store.markProcessed(id, null);
                store.event(id, "PROCESSED", "no document in the mail");
                receipts.answer(id, m.connector(), mail, mail.subject(), null);
            }
            return;
        }
        List<XdmDocumentEntry> entries = new ArrayList<>();
        List<String> cxs = new ArrayList<>();
        for (MailContent.Attachment a : xdms) {
            try {
                XdmPackage pkg = xdm.read(a.bytes());
                pkg.warnings().forEach(w -> store.event(id, "XDM", w));
                entries.addAll(pkg.documents());
                for (XdmDocumentEntry e : pkg.documents()) {
                    if (e.patientId() != null) cxs.add(e.patientId());
                    if (e.sourcePatientId() != null) cxs.add(e.sourcePatientId());
                }
                if (pkg.submissionSet().patientId() != null) cxs.add(pkg.submissionSet().patientId());
            } catch (XdmRejectedException e) {
                reject(m, "IHE_XDM.ZIP refused: " + e.reason() + ": " + e.getMessage(), mail);
                return;
            }
        }
        if (entries.isEmpty()) {
            reject(m, "IHE_XDM.ZIP holds no document entry", mail);
            return;
        }
        Optional<Cx> ins = identity.ins(cxs);
        if (ins.isEmpty()) {
            store.markFailedAttempt(id, MessageStatus.PATIENT_UNKNOWN, "no INS (NIR/NIA OID) in the XDM patientId/sourcePatientId");
            store.event(id, "PATIENT_UNKNOWN", "no INS in the metadata");
            return;
        }
        boolean sameInsEverywhere = cxs.stream().map(Cx::parse).filter(c -> c != null && identity.isInsOid(c.authorityOid()))
                .allMatch(c -> c.id().equals(ins.get().id()));
        if (!sameInsEverywhere) {
            reject(m, "XDM metadata names more than one INS: not attached to anybody", mail);
            return;
        }
        Optional<Patient> patient = identity.find(ins.get());
        if (patient.isEmpty()) {
            store.markFailedAttempt(id, MessageStatus.PATIENT_UNKNOWN, "no single Patient carries the INS of the XDM metadata; kept,"
                    + " replay once the patient is known");
            store.event(id, "PATIENT_UNKNOWN", "INS not found in the repository");
            return;
        }
        String patientRef = patient.get().getIdElement().toUnqualifiedVersionless().getValue();
        List<String> written = writer.write(patient.get(), entries, id, "mssante-xdm");
        store.markProcessed(id, patientRef);
        store.event(id, "WRITTEN", written.isEmpty() ? "already applied" : String.join(", ", written));
        log.info("mail message {} applied: {} document(s)", id, written.size());
        receipts.answer(id, m.connector(), mail, mail.subject(), null);
    }

    private void reject(StoredMessage m, String reason, MailContent mail) {
        long id = m.id();
        store.markFailedAttempt(id, MessageStatus.REJECTED, reason);
        store.event(id, "ERROR", reason);
        log.warn("mail message {} rejected: {}", id, reason.length() > 120 ? reason.substring(0, 120) : reason);
        if (mail != null) receipts.answer(id, m.connector(), mail, mail.subject(), reason);
    }
}
