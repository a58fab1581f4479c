package fr.crt.hub.tddui;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A bundle refused: the HTTP status, the issues of the OperationOutcome answered, and the reason stored with the
 * message (no health data: locations and rule names only).
 */
public class TdduiRejected extends RuntimeException {

    /** One OperationOutcome issue. */
    public record Issue(IssueSeverity severity, IssueType code, String location, String text) {}

    private final int status;
    private final transient List<Issue> issues;

    public TdduiRejected(int status, List<Issue> issues, String reason) {
        super(reason);
        this.status = status;
        this.issues = List.copyOf(issues);
    }

    public TdduiRejected(int status, IssueType code, String location, String text) {
        this(status, List.of(new Issue(IssueSeverity.ERROR, code, location, text)), text);
    }

    public int status() {
        return status;
    }

    public List<Issue> issues() {
        return issues;
    }

    public OperationOutcome outcome() {
        OperationOutcome oo = new OperationOutcome();
        for (Issue i : issues) {
            var issue = oo.addIssue().setSeverity(i.severity()).setCode(i.code()).setDiagnostics(i.text());
            if (i.location() != null) {
                issue.addExpression(i.location());
                issue.addLocation(i.location());
            }
        }
        return oo;
    }
}
