package fr.crt.hub.fhir;

import fr.crt.hub.connector.Connector;
import java.util.Set;

/**
 * Published (synchronously, inside the writing transaction) when an admission-type message from a partner has
 * been applied: the care circle listens and makes the partner's organisation a member of the person's circle.
 *
 * @param patientRef versionless {@code Patient/12}
 * @param partner    the sending partner
 * @param trigger    ADT trigger, e.g. {@code A01}
 */
public record AdmissionApplied(String patientRef, Connector partner, String trigger) {

    /** Admission (A01), pre-admission (A05) and new person (A28) put the sending structure in the circle. */
    public static final Set<String> TRIGGERS = Set.of("A01", "A05", "A28");
}
