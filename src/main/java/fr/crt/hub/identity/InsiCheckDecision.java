package fr.crt.hub.identity;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.insi.InsiAnswer;
import fr.crt.hub.insi.InsiCallFailed;
import fr.crt.hub.insi.InsiIdentity;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;

/**
 * What to do with one INSi answer (or failure) about one local identity. Pure logic, no I/O: unit-tested with a
 * hand-written fake INSi client ({@code FakeInsiClient}) and applied by {@link IdentityCheckService}.
 *
 * @param action       what the check does next
 * @param identity     the INSi identity to apply, for {@link Action#APPLY_RECUP} only
 * @param task         the task to open, for {@link Action#OPEN_TASK} only
 * @param auditDetail  outcome for the audit trail and the task: CR code, trait names, fault code; never traits or INS
 * @param auditOutcome outcome class of the INSi call
 * @param metric       {@code outcome} tag of {@code hub_identity_checks_total}
 */
public record InsiCheckDecision(Action action, InsiIdentity identity, TaskKind task, String auditDetail,
                                AuditRecord.Outcome auditOutcome, String metric) {

    public enum Action { APPLY_RECUP, OPEN_TASK, RETRY_LATER }

    /** Decides on an answer. {@code acceptTestOids}: whether the test/demo INS OIDs count as INS here. */
    public static InsiCheckDecision onAnswer(LocalTraits local, InsiAnswer answer, InsTraitComparator comparator,
                                             NirValidator nirValidator, boolean acceptTestOids) {
        String code = answer.code();
        if (InsiAnswer.FOUND.equals(code)) {
            if (answer.identities().size() != 1) {
                return task(TaskKind.INSI_FAILED, "CR00 without exactly one identity", "failed");
            }
            InsiIdentity id = answer.identities().get(0);
            String insProblem = insProblem(id, nirValidator, acceptTestOids);
            if (insProblem != null) {
                return task(TaskKind.INS_INVALID, "CR00 " + insProblem, "ins_invalid");
            }
            TraitComparison cmp = comparator.compare(local, id);
            if (!cmp.matches()) {
                return task(TaskKind.TRAITS_MISMATCH, "CR00 mismatch " + cmp.names(), "mismatch");
            }
            return new InsiCheckDecision(Action.APPLY_RECUP, id, null, "CR00 match", AuditRecord.Outcome.SUCCESS,
                    "match");
        }
        if (InsiAnswer.NOT_FOUND.equals(code)) {
            return task(TaskKind.NOT_FOUND, "CR01", "not_found");
        }
        if (InsiAnswer.SEVERAL.equals(code)) {
            return task(TaskKind.SEVERAL_IDENTITIES, "CR02", "several");
        }
        return task(TaskKind.INSI_FAILED, "unknown CR " + safe(code), "failed");
    }

    /** Decides on a failed call: retry later when INSi says it may work later, else a task. */
    public static InsiCheckDecision onFailure(InsiCallFailed f) {
        String what = f.kind() == InsiCallFailed.Kind.SOAP_FAULT
                ? "SOAP fault " + safe(f.faultCode())
                : f.kind().name();
        if (f.retryLater()) {
            return new InsiCheckDecision(Action.RETRY_LATER, null, null, what + " (retry later)",
                    AuditRecord.Outcome.MINOR_FAILURE, "retry");
        }
        return new InsiCheckDecision(Action.OPEN_TASK, null, TaskKind.INSI_FAILED, what,
                AuditRecord.Outcome.SERIOUS_FAILURE, "failed");
    }

    /**
     * Why the INS of a CR 00 identity cannot be used, or null: OID not an INS OID (or a test OID where not accepted),
     * key wrong, or the sex/year/month digits of a NIR contradicting INSi's own traits.
     */
    static String insProblem(InsiIdentity id, NirValidator nirValidator, boolean acceptTestOids) {
        if (id.oid() == null || !IdentityFhir.INS_OIDS.contains(id.oid())) {
            return "OID is not an INS OID";
        }
        if (IdentityFhir.TEST_OIDS.contains(id.oid()) && !acceptTestOids) {
            return "test INS OID not accepted";
        }
        if (!nirValidator.isValid(id.ins())) {
            return "INS key invalid";
        }
        if (!IdentityFhir.OID_NIA.equals(id.oid())) {
            LocalDate birth = fullDate(id.birthDate());
            AdministrativeGender g = "M".equals(id.sex()) ? AdministrativeGender.MALE
                    : "F".equals(id.sex()) ? AdministrativeGender.FEMALE : null;
            List<String> contradictions = nirValidator.contradictions(id.ins(), g, birth);
            if (!contradictions.isEmpty()) {
                return "INS digits contradict the INSi traits";
            }
        }
        return null;
    }

    private static LocalDate fullDate(String d) {
        if (d == null || !d.matches("\\d{4}-\\d{2}-\\d{2}") || d.contains("-00")) {
            return null;
        }
        try {
            return LocalDate.parse(d);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static InsiCheckDecision task(TaskKind kind, String detail, String metric) {
        return new InsiCheckDecision(Action.OPEN_TASK, null, kind, detail,
                kind == TaskKind.INSI_FAILED ? AuditRecord.Outcome.SERIOUS_FAILURE : AuditRecord.Outcome.MINOR_FAILURE,
                metric);
    }

    /** Codes from outside are cut and restricted to a safe alphabet before they reach audit and tasks. */
    private static String safe(String s) {
        if (s == null) {
            return "?";
        }
        String t = s.replaceAll("[^A-Za-z0-9_/.:-]", "");
        return t.length() > 40 ? t.substring(0, 40) : t;
    }
}
