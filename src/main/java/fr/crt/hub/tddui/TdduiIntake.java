package fr.crt.hub.tddui;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import fr.crt.hub.access.Access;
import fr.crt.hub.access.AccessMatrix;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.dui.AdtReplayService;
import fr.crt.hub.fhir.CanonicalChanged;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.identity.IdentityCheckService;
import fr.crt.hub.store.IncomingMessage;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.PatientKeys;
import fr.crt.hub.store.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A partner's TDDUI transaction Bundle, from the bytes posted to the answer: store raw (committed) first, then
 * read, validate, check the partner's write rights, map and apply all or nothing, and answer. Synchronous: the
 * partner's DUI gets the transaction-response, or an OperationOutcome, on the same call.
 *
 * <p>Statuses: QUEUED while being handled, then PROCESSED, REJECTED (unreadable, invalid, refused by the matrix;
 * the reason says why), AWAITING_ATTACHMENT (valid, but no Patient says whose the documents are: kept, nothing
 * written), DEAD_LETTER (the repository failed: kept for replay).
 */
@Service
public class TdduiIntake {

    public static final String TRANSPORT = "tddui";
    public static final String MESSAGE_TYPE = "TDDUI";
    private static final Logger log = LoggerFactory.getLogger(TdduiIntake.class);
    /** Resource types the hub maps. */
    static final Set<String> MAPPED = Set.of("Patient", "Consent", "CarePlan", "Goal", "Task", "DocumentReference", "Encounter",
            "Organization");

    private final MessageStore store;
    private final PatientKeys patientKeys;
    private final TdduiValidator validator;
    private final TdduiWriter writer;
    private final AccessMatrix matrix;
    private final IdentityCheckService identityChecks;
    private final ConnectorRegistry connectors;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;

    public TdduiIntake(MessageStore store, PatientKeys patientKeys, @org.springframework.context.annotation.Lazy TdduiValidator validator, TdduiWriter writer,
                       AccessMatrix matrix, IdentityCheckService identityChecks, ConnectorRegistry connectors,
                       ApplicationEventPublisher events, PlatformTransactionManager transactionManager) {
        this.store = store;
        this.patientKeys = patientKeys;
        this.validator = validator;
        this.writer = writer;
        this.matrix = matrix;
        this.identityChecks = identityChecks;
        this.connectors = connectors;
        this.events = events;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** HTTP status and FHIR body of the answer; {@code messageId} is the stored message (null when none). */
    public record Answer(int status, IBaseResource body, Long messageId) {}

    /** A body refused before it was read (too large): recorded without its bytes, answered 413. */
    public Answer tooLarge(Connector partner, long declaredOrReadBytes, long maxBytes) {
        String reason = "body larger than " + maxBytes + " bytes (" + declaredOrReadBytes + "): refused, not stored";
        MessageStore.Stored s = store.store(incoming(partner, new byte[0], null, MessageStatus.REJECTED, reason, null));
        log.warn("TDDUI message {} from {} refused: {}", s.id(), partner.id(), reason);
        return new Answer(413, new TdduiRejected(413, IssueType.TOOLONG, null, reason).outcome(), s.id());
    }

    /** Handles a posted body from {@code partner}. */
    public Answer receive(Connector partner, byte[] raw, String contentType) {
        Bundle bundle = null;
        TdduiRejected unreadable = null;
        try {
            bundle = TdduiBody.parse(raw, contentType);
        } catch (TdduiRejected e) {
            unreadable = e;
        }
        // Raw first, committed, with the keys of the persons named, before anything is decided or written.
        MessageStore.Stored s = store.store(incoming(partner, raw, bundle, MessageStatus.QUEUED, null, null),
                bundle == null ? List.of() : keys(bundle, partner));
        store.event(s.id(), "RECEIVED", "TDDUI from " + partner.id() + ", " + raw.length + " bytes");
        if (unreadable != null) return refuse(s.id(), partner, unreadable);
        return process(s.id(), partner, bundle);
    }

    /** Replays a stored TDDUI message (or an edited copy of it) as a new message linked to it. */
    public AdtReplayService.ReplayResult replay(long id, byte[] editedRaw) {
        StoredMessage original = store.find(id).orElseThrow();
        Connector partner = connectors.byId(original.connector())
                .orElseThrow(() -> new IllegalStateException("connector " + original.connector() + " no longer declared"));
        byte[] raw = editedRaw != null ? editedRaw : store.raw(id).orElseThrow(() -> new AdtReplayService.RawContentPurgedException(id));
        Bundle bundle = null;
        TdduiRejected unreadable = null;
        try {
            bundle = TdduiBody.parse(raw, null);
        } catch (TdduiRejected e) {
            unreadable = e;
        }
        MessageStore.Stored s = store.store(incoming(partner, raw, bundle, MessageStatus.QUEUED, null, id),
                bundle == null ? List.of() : keys(bundle, partner));
        store.event(s.id(), "REPLAY", "replay of message " + id + (editedRaw != null ? " (edited)" : ""));
        store.event(id, "REPLAYED", "replayed as message " + s.id());
        Answer a = unreadable != null ? refuse(s.id(), partner, unreadable) : process(s.id(), partner, bundle);
        boolean ok = a.status() < 300;
        return new AdtReplayService.ReplayResult(id, s.id(), ok ? "AA" : "AR",
                ok ? null : store.find(s.id()).map(StoredMessage::statusReason).orElse(null));
    }

    private Answer process(long messageId, Connector partner, Bundle bundle) {
        try {
            List<String> warnings = validate(bundle);
            if (!warnings.isEmpty()) {
                store.event(messageId, "WARNING", warnings.size() + " validation warning(s) not verifiable offline (terminology,"
                        + " extensions or profiles the hub does not carry), at: " + String.join(", ", warnings));
            }
            checkSupportedAndAllowed(bundle, partner);
            TdduiWriter.Plan plan = writer.plan(bundle);
            if (!plan.hasPatients()) {
                String reason = "valid, but no Patient in the bundle says whose its resources are: kept, nothing written";
                store.markStatus(messageId, MessageStatus.AWAITING_ATTACHMENT, reason);
                OperationOutcome oo = new OperationOutcome();
                oo.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INCOMPLETE).setDiagnostics(
                        "stored as message " + messageId + ": " + reason + "; resend with the Patient (TDDUIPatient or "
                                + "TDDUIPatientINS) the resources are about");
                log.info("TDDUI message {} from {} kept awaiting a patient", messageId, partner.id());
                return new Answer(202, oo, messageId);
            }
            TdduiWriter.Applied applied = tx.execute(t -> writer.apply(bundle, plan, partner, messageId));
            // identity vigilance: same durable request as the ADT path, for every person created or completed
            applied.newOrChangedPatients().forEach(ref -> identityChecks.requestCheck(ref, messageId));
            store.markProcessed(messageId, applied.patients().isEmpty() ? null : applied.patients().get(0));
            store.event(messageId, "WRITTEN", String.join(", ", applied.written()) + "; " + applied.provenance());
            for (String ref : applied.patients()) events.publishEvent(new CanonicalChanged(ref, partner.id(), messageId));
            log.info("TDDUI message {} from {} applied: {} resources", messageId, partner.id(), applied.written().size());
            return new Answer(200, applied.response(), messageId);
        } catch (TdduiRejected e) {
            return refuse(messageId, partner, e);
        } catch (RuntimeException e) {
            store.markFailedAttempt(messageId, MessageStatus.DEAD_LETTER, "mapping failed: " + e.getClass().getSimpleName()
                    + " (replay once fixed)");
            store.event(messageId, "ERROR", e.getClass().getSimpleName());
            // the class only: a repository message may quote the content (health data); the stack at debug level
            log.error("TDDUI message {} from {} not applied: {}", messageId, partner.id(), e.getClass().getSimpleName());
            log.debug("TDDUI message {} failure", messageId, e);
            OperationOutcome oo = new OperationOutcome();
            oo.addIssue().setSeverity(IssueSeverity.FATAL).setCode(IssueType.EXCEPTION)
                    .setDiagnostics("the hub could not apply the bundle; it is kept as message " + messageId);
            return new Answer(500, oo, messageId);
        }
    }

    /** @return the locations of the warnings (kept, never refusing) */
    private List<String> validate(Bundle bundle) {
        List<TdduiValidator.Issue> all = validator.validate(bundle);
        List<TdduiRejected.Issue> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (TdduiValidator.Issue i : all) {
            if (i.refuses()) {
                errors.add(new TdduiRejected.Issue(i.severity() == ResultSeverityEnum.FATAL ? IssueSeverity.FATAL : IssueSeverity.ERROR,
                        IssueType.fromCode(i.code()), i.location(), i.message()));
            } else if (i.severity() == ResultSeverityEnum.WARNING) {
                warnings.add(i.location());
            }
        }
        if (!errors.isEmpty()) {
            throw new TdduiRejected(422, errors, "invalid TDDUI bundle, " + errors.size() + " error(s) at "
                    + String.join(", ", errors.stream().map(TdduiRejected.Issue::location).distinct().toList()));
        }
        return warnings.stream().distinct().toList();
    }

    private void checkSupportedAndAllowed(Bundle bundle, Connector partner) {
        List<TdduiRejected.Issue> unsupported = new ArrayList<>();
        List<TdduiRejected.Issue> refused = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Resource r = bundle.getEntry().get(i).getResource();
            String where = "Bundle.entry[" + i + "].resource";
            if (!MAPPED.contains(r.fhirType())) {
                unsupported.add(new TdduiRejected.Issue(IssueSeverity.ERROR, IssueType.NOTSUPPORTED, where,
                        r.fhirType() + " is not taken by the hub from TDDUI (taken: " + String.join(", ", MAPPED.stream().sorted().toList()) + ")"));
                continue;
            }
            // a structure the bundle refers to (a stay's ESSMS): created if the hub does not know it, never changed
            if (matrix.isDirectory(r.fhirType())) continue;
            // a TDDUI Consent Accord is projet-personnalise, like the project it supports; one saying deny is an opposition
            String kind = matrix.kindOf(r);
            if (kind == null || !matrix.allows(partner.kind(), kind, Access.WRITE)) {
                refused.add(new TdduiRejected.Issue(IssueSeverity.ERROR, IssueType.FORBIDDEN, where,
                        "a " + partner.kind() + " may not write " + (kind == null ? r.fhirType() : kind)
                                + " (mappings/access-matrix.yaml)"));
            }
        }
        if (!unsupported.isEmpty()) {
            throw new TdduiRejected(422, unsupported, unsupported.size() + " resource(s) of a type the hub does not map");
        }
        if (!refused.isEmpty()) {
            throw new TdduiRejected(403, refused, "access matrix refuses " + refused.size() + " resource(s): "
                    + String.join(", ", refused.stream().map(TdduiRejected.Issue::text).distinct().toList()));
        }
    }

    private Answer refuse(long messageId, Connector partner, TdduiRejected e) {
        store.markStatus(messageId, MessageStatus.REJECTED, e.getMessage());
        store.event(messageId, "ERROR", "HTTP " + e.status() + ": " + e.getMessage());
        log.warn("TDDUI message {} from {} refused ({}): {} issue(s)", messageId, partner.id(), e.status(), e.issues().size());
        return new Answer(e.status(), e.outcome(), messageId);
    }

    // ------------------------------------------------------------------ store

    private static IncomingMessage incoming(Connector partner, byte[] raw, Bundle bundle, MessageStatus status, String reason,
                                            Long replayOf) {
        String controlId = bundle != null && bundle.getIdElement().hasIdPart() ? bundle.getIdElement().getIdPart() : null;
        return new IncomingMessage(partner.id(), partner.id(), TRANSPORT, Instant.now(), controlId, MESSAGE_TYPE,
                bundle == null ? null : "transaction", "UTF-8", raw, status, reason, null, null, null, replayOf);
    }

    /** Search keys of the persons a bundle names: INS, the partner-qualified local id, and the id as sent. */
    private List<String> keys(Bundle bundle, Connector partner) {
        Set<String> out = new LinkedHashSet<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (!(e.getResource() instanceof Patient p)) continue;
            for (Identifier id : p.getIdentifier()) {
                if (!id.hasValue() || !id.hasSystem()) continue;
                try {
                    if (CanonicalWriter.INS_SYSTEMS.contains(id.getSystem())) {
                        out.add(patientKeys.ins(id.getValue()));
                    } else {
                        out.add(patientKeys.key(id.getSystem(), id.getValue()));
                        if (partner.patientIdSystem() != null) out.add(patientKeys.local(partner.patientIdSystem(), id.getValue()));
                    }
                } catch (IllegalArgumentException ignored) {
                    // blank system or value: nothing to key
                }
            }
        }
        return List.copyOf(out);
    }
}
