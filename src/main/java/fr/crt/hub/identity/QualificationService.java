package fr.crt.hub.identity;

import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalChanged;
import fr.crt.hub.fhir.CanonicalRepository;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Service;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sets an identity <i>qualifiée</i> (QUAL) — never done by the hub itself, only by a person who checked a
 * high-trust identity document against an INS the hub obtained from INSi (status RECUP).
 *
 * <p>Documents (RNIV 1, "dispositifs d'identification à haut niveau de confiance"; codes of FR Core
 * {@code fr-core-cs-mode-validation-identity}, cf. FR Core 2.2.0 {@code fr-core-vs-mode-validation-identity-ins}):
 * passport (PA), national identity card (CN), residence permit (CS); for a minor only, family record book (LE) or
 * birth certificate extract (AN). Driving licence, health card and the like are refused.
 */
@Service
public class QualificationService {

    static final Map<String, String> HIGH_TRUST = Map.of("PA", "Passeport", "CN", "Carte nationale d'identité",
            "CS", "Carte de séjour");
    static final Map<String, String> MINOR_ONLY = Map.of("LE", "Livret de famille", "AN", "Extrait d'acte de naissance");

    public record Qualified(String patientRef, String status, String documentType, String by, String date) {}

    /** Partners are told when an identity changes status (outbound, after the commit). */
    private final ApplicationEventPublisher events;
    private final CanonicalRepository repo;
    private final VigilanceTaskStore tasks;
    private final AuditTrail audit;
    private final TransactionTemplate tx;

    public QualificationService(CanonicalRepository repo, VigilanceTaskStore tasks, AuditTrail audit,
                                PlatformTransactionManager transactionManager, ApplicationEventPublisher events) {
        this.events = events;
        this.repo = repo;
        this.tasks = tasks;
        this.audit = audit;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /**
     * @throws IllegalArgumentException  unknown or not high-trust document type (400)
     * @throws ResourceNotFoundException no such Patient (404)
     * @throws IdentityConflict          not RECUP, already QUAL, or a vigilance task open (409)
     */
    public Qualified qualify(String patientId, String documentType, String comment, String user, String role) {
        String ref = "Patient/" + patientId;
        try {
            Qualified q = tx.execute(s -> doQualify(ref, documentType, user));
            audit.record(new AuditRecord("U", "identity-qualify", user, role, ref, null, AuditRecord.Outcome.SUCCESS,
                    "QUAL set after identity document check, document " + q.documentType()
                            + (comment == null || comment.isBlank() ? "" : "; comment: " + comment)));
            return q;
        } catch (IdentityConflict | IllegalArgumentException e) {
            audit.record(new AuditRecord("U", "identity-qualify", user, role, ref, null,
                    AuditRecord.Outcome.MINOR_FAILURE, "refused: " + e.getMessage()));
            throw e;
        }
    }

    private Qualified doQualify(String ref, String documentType, String user) {
        Patient p;
        try {
            p = repo.read(Patient.class, new IdType(ref));
        } catch (ResourceGoneException e) {
            throw new ResourceNotFoundException(ref);
        }
        String doc = documentType == null ? null : documentType.trim().toUpperCase(java.util.Locale.ROOT);
        if (doc == null || !(HIGH_TRUST.containsKey(doc) || MINOR_ONLY.containsKey(doc))) {
            throw new IllegalArgumentException("documentType must be one of the high-trust identity documents "
                    + "PA (passport), CN (national identity card), CS (residence permit), or for a minor LE/AN");
        }
        if (MINOR_ONLY.containsKey(doc) && !minor(p)) {
            throw new IllegalArgumentException("documentType " + doc + " is accepted for a minor only");
        }
        Set<String> statuses = IdentityFhir.statuses(p);
        if (statuses.contains(IdentityFhir.QUAL)) {
            throw new IdentityConflict("identity already qualified");
        }
        if (p.hasActive() && !p.getActive()) {
            throw new IdentityConflict("Patient is inactive (merged into another)");
        }
        if (!statuses.contains(IdentityFhir.RECUP) || IdentityFhir.insIdentifiers(p).isEmpty()) {
            throw new IdentityConflict("no INS obtained from INSi for this Patient (status must be RECUP): "
                    + "an identity is qualified only after INSi returned its INS");
        }
        if (IdentityFhir.insForbidden(p)) {
            throw new IdentityConflict("an identity attribute (doubtful, fictitious...) forbids qualification");
        }
        List<VigilanceTaskStore.Task> open = tasks.openFor(ref);
        if (!open.isEmpty()) {
            throw new IdentityConflict("identity vigilance task " + open.get(0).id() + " (" + open.get(0).kind()
                    + ") is open for this Patient: resolve it first");
        }
        String display = HIGH_TRUST.getOrDefault(doc, MINOR_ONLY.get(doc));
        Extension reliability = IdentityFhir.setConfidenceStatus(p, IdentityFhir.QUAL, "Identité qualifiée");
        IdentityFhir.setSubExtension(reliability, "validationMode",
                new Coding(IdentityFhir.CS_VALIDATION_MODE, doc, display));
        IdentityFhir.setSubExtension(reliability, "validationDate", IdentityFhir.today());
        if (!p.getMeta().hasProfile(IdentityFhir.PROFILE_PATIENT_INS)) {
            p.getMeta().addProfile(IdentityFhir.PROFILE_PATIENT_INS);
        }
        repo.update(p);
        events.publishEvent(new CanonicalChanged(ref, null, null));
        return new Qualified(ref, IdentityFhir.QUAL, doc, user, LocalDate.now().toString());
    }

    private static boolean minor(Patient p) {
        if (!p.hasBirthDate()) {
            return false;
        }
        LocalDate birth = p.getBirthDate().toInstant().atZone(ZoneId.systemDefault()).toLocalDate();
        return birth.plusYears(18).isAfter(LocalDate.now());
    }
}
