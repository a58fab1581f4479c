package fr.crt.hub.identity;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.identity.VigilanceTaskStore.Resolution;
import fr.crt.hub.identity.VigilanceTaskStore.Task;
import java.util.NoSuchElementException;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Resolves a vigilance task: MERGE (through {@link CanonicalWriter#mergePatients}, the A40 behaviour), DISTINCT (two
 * people: the pair is not asked again) or DISMISSED. The merge and the task closing commit together; audited.
 */
@Service
public class TaskResolutionService {

    private final VigilanceTaskStore tasks;
    private final CanonicalWriter writer;
    private final CanonicalRepository repo;
    private final AuditTrail audit;
    private final TransactionTemplate tx;

    public TaskResolutionService(VigilanceTaskStore tasks, CanonicalWriter writer, CanonicalRepository repo,
                                 AuditTrail audit, PlatformTransactionManager transactionManager) {
        this.tasks = tasks;
        this.writer = writer;
        this.repo = repo;
        this.audit = audit;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /**
     * @throws NoSuchElementException   no such task (404)
     * @throws IllegalArgumentException bad resolution or merge sides (400)
     * @throws IdentityConflict         task already resolved, or a side inactive (409)
     */
    public Task resolve(long id, String resolution, String survivor, String merged, String comment, String user,
                        String role) {
        Task t = tasks.find(id).orElseThrow(() -> new NoSuchElementException("no identity task " + id));
        Resolution r;
        try {
            r = Resolution.valueOf(resolution == null ? "" : resolution.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resolution must be MERGE, DISTINCT or DISMISSED");
        }
        String survivorRef = null;
        String mergedRef = null;
        if (r == Resolution.MERGE) {
            survivorRef = patientRef(survivor);
            mergedRef = patientRef(merged);
            Set<String> sides = t.otherPatientRef() == null ? Set.of(t.patientRef())
                    : Set.of(t.patientRef(), t.otherPatientRef());
            if (survivorRef == null || mergedRef == null || survivorRef.equals(mergedRef)
                    || !sides.contains(survivorRef) || !sides.contains(mergedRef)) {
                throw new IllegalArgumentException("MERGE needs survivor and merged: the two different Patients "
                        + "the task names");
            }
        }
        String sRef = survivorRef;
        String mRef = mergedRef;
        tx.executeWithoutResult(s -> {
            if (r == Resolution.MERGE) {
                for (String ref : new String[] {sRef, mRef}) {
                    Patient p = repo.read(Patient.class, new IdType(ref));
                    if (p.hasActive() && !p.getActive()) {
                        throw new IdentityConflict(ref + " is inactive (already merged)");
                    }
                }
                writer.mergePatients(new IdType(sRef), new IdType(mRef));
            }
            if (!tasks.resolve(id, r, user, sRef, mRef, comment)) {
                throw new IdentityConflict("identity task " + id + " is already resolved");
            }
        });
        audit.record(new AuditRecord("U", "identity-task-resolve", user, role, t.patientRef(), "identity-task/" + id,
                AuditRecord.Outcome.SUCCESS, r.name() + (r == Resolution.MERGE ? " " + mRef + " into " + sRef : "")
                        + " (" + t.kind() + ")"));
        return tasks.find(id).orElseThrow();
    }

    /** {@code Patient/12} or {@code 12} → {@code Patient/12}; null when not that shape. */
    static String patientRef(String s) {
        if (s == null) {
            return null;
        }
        String v = s.trim();
        if (v.matches("[A-Za-z0-9\\-.]{1,64}")) {
            return "Patient/" + v;
        }
        return v.matches("Patient/[A-Za-z0-9\\-.]{1,64}") ? v : null;
    }
}
