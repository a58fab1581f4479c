package fr.crt.hub.identity;

import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.fhir.CanonicalChanged;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.insi.InsiAnswer;
import fr.crt.hub.insi.InsiCallFailed;
import fr.crt.hub.insi.InsiClient;
import fr.crt.hub.insi.InsiIdentity;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the identity checks: asked for each Patient a processed message touched ({@link #requestCheck}), done later
 * by {@link IdentityCheckWorker} so that message processing never waits for INSi and never fails because of it.
 *
 * <p>One check: read the Patient; look for duplicates (tasks); if it has no INS or status PROV and no attribute that
 * forbids it, ask INSi with its traits (outside any transaction), audit the call, then decide
 * ({@link InsiCheckDecision}) and apply in ONE transaction with the end of the check: CR00 + exact match + valid INS
 * adds the INS identifier and sets RECUP; anything else opens a task and uses no INS; a transient failure waits and
 * retries. Because the Patient change and "check done" commit together and the claim is a conditional update, a
 * check is applied once even if it runs twice (crash after the INSi call: INSi is asked again, audited again,
 * applied once; applying is also a no-op on a Patient that already holds the same INS and status).
 */
@Service
public class IdentityCheckService {

    private static final Logger log = LoggerFactory.getLogger(IdentityCheckService.class);

    /** Partners are told when an identity changes status (outbound, after the commit). */
    private final ApplicationEventPublisher events;
    private final IdentityCheckStore checks;
    private final VigilanceTaskStore tasks;
    private final CanonicalRepository repo;
    private final AuditTrail audit;
    private final DuplicateDetector duplicates;
    private final ObjectProvider<InsiClient> insi;
    private final NirValidator nirValidator;
    private final InsProperties insProperties;
    private final IdentityProperties props;
    private final IdentityMetrics metrics;
    private final TransactionTemplate tx;
    private final InsTraitComparator comparator = new InsTraitComparator();
    private final AtomicBoolean saidNoClient = new AtomicBoolean();

    public IdentityCheckService(IdentityCheckStore checks, VigilanceTaskStore tasks, CanonicalRepository repo,
                                AuditTrail audit, DuplicateDetector duplicates, ObjectProvider<InsiClient> insi,
                                NirValidator nirValidator, InsProperties insProperties, IdentityProperties props,
                                IdentityMetrics metrics, PlatformTransactionManager transactionManager,
                                ApplicationEventPublisher events) {
        this.events = events;
        this.checks = checks;
        this.tasks = tasks;
        this.repo = repo;
        this.audit = audit;
        this.duplicates = duplicates;
        this.insi = insi;
        this.nirValidator = nirValidator;
        this.insProperties = insProperties;
        this.props = props;
        this.metrics = metrics;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /**
     * Records that {@code patientRef} must be checked because message {@code messageId} was applied. One insert;
     * the same message delivered twice asks once.
     */
    public void requestCheck(String patientRef, long messageId) {
        if (patientRef != null) {
            checks.enqueue(patientRef, "msg:" + messageId);
        }
    }

    /** Runs check {@code id}, which the caller claimed. */
    public void run(long id) {
        IdentityCheckStore.Check check = checks.find(id).orElse(null);
        if (check == null || check.status() != IdentityCheckStore.Status.RUNNING) {
            return;
        }
        Patient patient = read(check.patientRef());
        if (patient == null || (patient.hasActive() && !patient.getActive())) {
            finish(check, "skipped", patient == null ? "patient not found" : "patient inactive (merged)");
            return;
        }
        duplicates.scan(patient, id);
        if (IdentityFhir.insForbidden(patient)) {
            finish(check, "skipped", "identity attribute forbids an automatic INS");
            return;
        }
        if (!IdentityFhir.needsInsiCheck(patient)) {
            finish(check, "not_needed", "INS present and status not PROV");
            return;
        }
        LocalTraits local = LocalTraits.from(patient);
        if (!local.searchable()) {
            finish(check, "skipped", "traits incomplete for an INSi search");
            return;
        }
        InsiClient client = insi.getIfAvailable();
        if (client == null) {
            if (saidNoClient.compareAndSet(false, true)) {
                log.warn("no INSi client configured: identity checks wait");
            }
            checks.retryAt(id, Instant.now().plus(props.maxRetryDelay()), false, "no INSi client configured");
            return;
        }

        InsiCheckDecision decision;
        try {
            InsiAnswer answer = client.searchByTraits(local.toInsiTraits());
            decision = InsiCheckDecision.onAnswer(local, answer, comparator, nirValidator,
                    insProperties.acceptTestOids());
        } catch (InsiCallFailed f) {
            decision = InsiCheckDecision.onFailure(f);
        } catch (RuntimeException e) {
            decision = InsiCheckDecision.onFailure(new InsiCallFailed(InsiCallFailed.Kind.TRANSPORT,
                    "unexpected client error", e));
        }
        if (decision.action() != InsiCheckDecision.Action.APPLY_RECUP) {
            auditCall(check, decision.auditOutcome(), decision.auditDetail());
            apply(check, decision);
            return;
        }
        // a match is audited with what became of it (RECUP set, or a task when the Patient changed meanwhile)
        String outcome;
        try {
            InsiIdentity found = decision.identity();
            outcome = tx.execute(s -> applyRecup(check, found));
        } catch (RuntimeException e) {
            auditCall(check, AuditRecord.Outcome.MINOR_FAILURE, "CR00 match, not applied yet (will run again)");
            throw e;
        }
        auditCall(check, "match".equals(outcome) ? AuditRecord.Outcome.SUCCESS : AuditRecord.Outcome.MINOR_FAILURE,
                "CR00 match, " + switch (outcome) {
                    case "match" -> "RECUP set";
                    case "duplicate_ins" -> "INS held by another active Patient: task, INS not used";
                    case "mismatch" -> "traits changed during the check: task, INS not used";
                    default -> "nothing to do (already qualified)";
                });
        metrics.check(outcome);
        log.info("identity check {}: {}", check.id(), outcome);
    }

    private void auditCall(IdentityCheckStore.Check check, AuditRecord.Outcome outcome, String detail) {
        audit.record(new AuditRecord("E", "insi-search", AuditRecord.SYSTEM_ACTOR, null, check.patientRef(),
                "identity-check/" + check.id(), outcome, detail));
    }

    private void apply(IdentityCheckStore.Check check, InsiCheckDecision d) {
        switch (d.action()) {
            case RETRY_LATER -> {
                int attempts = check.attempts() + 1;
                if (attempts >= props.maxAttempts()) {
                    tx.executeWithoutResult(s -> {
                        tasks.open(TaskKind.INSI_FAILED, check.patientRef(), null, check.id(),
                                "INSi unavailable after " + attempts + " attempts: " + d.auditDetail());
                        checks.done(check.id(), "failed", d.auditDetail());
                    });
                    metrics.check("failed");
                } else {
                    checks.retryAt(check.id(), Instant.now().plus(props.backoff(attempts - 1)), true, d.auditDetail());
                    metrics.check("retry");
                }
                log.info("identity check {}: {}", check.id(), d.auditDetail());
            }
            case OPEN_TASK -> {
                Long taskId = tx.execute(s -> {
                    long t = tasks.open(d.task(), check.patientRef(), null, check.id(), d.auditDetail());
                    checks.done(check.id(), d.metric(), d.auditDetail());
                    return t;
                });
                metrics.check(d.metric());
                log.info("identity check {}: {} -> task {} {}", check.id(), d.auditDetail(), taskId, d.task());
            }
            case APPLY_RECUP -> throw new IllegalStateException("applied by run()");
        }
    }

    /** In the transaction: re-read, re-verify, add the INS and set RECUP, end the check. Returns the outcome. */
    private String applyRecup(IdentityCheckStore.Check check, InsiIdentity identity) {
        Patient p = repo.read(Patient.class, new IdType(check.patientRef()));
        // the Patient may have changed while INSi answered: the decision holds only for the traits still there
        TraitComparison again = comparator.compare(LocalTraits.from(p), identity);
        if (!again.matches()) {
            tasks.open(TaskKind.TRAITS_MISMATCH, check.patientRef(), null, check.id(),
                    "CR00 mismatch " + again.names() + " (traits changed during the check)");
            checks.done(check.id(), "mismatch", "traits changed during the check");
            return "mismatch";
        }
        String system = "urn:oid:" + identity.oid();
        for (Patient other : repo.searchPatientsByIdentifier(system, identity.ins())) {
            String otherRef = DuplicateDetector.ref(other);
            if (!otherRef.equals(check.patientRef()) && !(other.hasActive() && !other.getActive())) {
                tasks.open(TaskKind.DUPLICATE_INS, check.patientRef(), otherRef, check.id(),
                        "INSi returned an INS another active Patient holds; INS not used");
                checks.done(check.id(), "duplicate_ins", "INS held by another active Patient");
                return "duplicate_ins";
            }
        }
        if (IdentityFhir.statuses(p).contains(IdentityFhir.QUAL)) {
            checks.done(check.id(), "not_needed", "already qualified");
            return "not_needed";
        }
        boolean hasIt = p.getIdentifier().stream()
                .anyMatch(i -> system.equals(i.getSystem()) && identity.ins().equals(i.getValue()));
        if (!hasIt) {
            p.addIdentifier(IdentityFhir.insIdentifier(identity.ins(), identity.oid()));
        }
        Extension reliability = IdentityFhir.setConfidenceStatus(p, IdentityFhir.RECUP, "Identité récupérée");
        IdentityFhir.setSubExtension(reliability, "methodCollection",
                new Coding(IdentityFhir.CS_METHOD_COLLECTION, "INSI", null));
        IdentityFhir.setSubExtension(reliability, "dateCollection", IdentityFhir.today());
        repo.update(p);
        events.publishEvent(new CanonicalChanged(check.patientRef(), null, null));
        checks.done(check.id(), "match", "CR00 match, RECUP set");
        return "match";
    }

    private void finish(IdentityCheckStore.Check check, String outcome, String detail) {
        checks.done(check.id(), outcome, detail);
        metrics.check(outcome);
    }

    private Patient read(String ref) {
        try {
            return repo.read(Patient.class, new IdType(ref));
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return null;
        }
    }
}
