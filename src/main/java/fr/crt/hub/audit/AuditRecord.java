package fr.crt.hub.audit;

import java.util.Objects;

/**
 * One auditable act, before it becomes a FHIR {@code AuditEvent} (IHE BALP shape).
 *
 * @param action      BALP/FHIR action: C create, R read, U update, D delete, E execute (searches, operations, calls)
 * @param subtype     what was done, a short stable code, e.g. {@code insi-search}, {@code identity-qualify},
 *                    {@code message-reveal}, {@code fhir-read}
 * @param who         the acting user or system ({@code system:hub} when the hub acts on its own)
 * @param whoRole     role of the actor (ADMIN, OPERATOR, a profession code…), may be null
 * @param patientRef  versionless {@code Patient/123} the act is about, may be null
 * @param entityRef   other object concerned ({@code hub-message/42}, {@code DocumentReference/7}), may be null
 * @param outcome     success or failure class
 * @param detail      outcome description or reason given by the user: never health data (no traits, no INS)
 */
public record AuditRecord(String action, String subtype, String who, String whoRole, String patientRef,
                          String entityRef, Outcome outcome, String detail) {

    public static final String SYSTEM_ACTOR = "system:hub";

    /** FHIR AuditEvent.outcome codes: 0 success, 4 minor failure, 8 serious failure, 12 major failure. */
    public enum Outcome {
        SUCCESS("0"), MINOR_FAILURE("4"), SERIOUS_FAILURE("8"), MAJOR_FAILURE("12");

        public final String code;

        Outcome(String code) {
            this.code = code;
        }
    }

    public AuditRecord {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subtype, "subtype");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(outcome, "outcome");
    }
}
