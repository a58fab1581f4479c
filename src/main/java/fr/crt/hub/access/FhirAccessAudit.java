package fr.crt.hub.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AuditEvent per FHIR request (not per resource: the cost stays one insert whatever the page size): who
 * (identity and role), which person (when the request touched exactly one), what (BALP action and the FHIR
 * operation), outcome. Capability statements are not audited.
 */
@Interceptor
public class FhirAccessAudit {

    private static final Logger log = LoggerFactory.getLogger(FhirAccessAudit.class);

    private final CallerContext callers;
    private final AuditTrail audit;

    public FhirAccessAudit(CallerContext callers, AuditTrail audit) {
        this.callers = callers;
        this.audit = audit;
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
    public void completed(RequestDetails request) {
        record(request, AuditRecord.Outcome.SUCCESS, null);
    }

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean failed(RequestDetails request, BaseServerResponseException e) {
        AuditRecord.Outcome outcome = e.getStatusCode() >= 500 ? AuditRecord.Outcome.SERIOUS_FAILURE : AuditRecord.Outcome.MINOR_FAILURE;
        record(request, outcome, "HTTP " + e.getStatusCode());
        return true;
    }

    private void record(RequestDetails request, AuditRecord.Outcome outcome, String detail) {
        RestOperationTypeEnum op = request.getRestOperationType();
        if (op == null || op == RestOperationTypeEnum.METADATA) return;
        try {
            CallerContext.Caller caller = callers.of(request);
            String patient = null;
            int persons;
            synchronized (caller.seen) {
                persons = caller.seen.size();
                if (persons == 1) patient = caller.seen.iterator().next();
            }
            if (patient == null && request.getId() != null && "Patient".equals(request.getResourceName())) {
                patient = "Patient/" + request.getId().getIdPart();
            }
            String entity = request.getId() != null && request.getResourceName() != null
                    ? request.getResourceName() + "/" + request.getId().getIdPart() : request.getResourceName();
            StringBuilder d = new StringBuilder(detail == null ? "" : detail);
            if (caller.identity.careCaller()) {
                if (d.length() > 0) d.append("; ");
                d.append(persons).append(" person(s) in response");
                if (!caller.emergencyPatients.isEmpty()) d.append("; emergency access");
            }
            audit.record(new AuditRecord(action(op), "fhir-" + op.getCode().toLowerCase(Locale.ROOT).replace('_', '-'),
                    caller.identity.who(), caller.identity.role(), patient, entity, outcome, d.length() == 0 ? null : d.toString()));
        } catch (ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException e) {
            // Refused while the caller was resolved (a bad or refused emergency request): CallerContext audited the
            // refusal itself as emergency-access; there is no resolved caller to write a second event for.
            log.info("FHIR {} refused before the caller was resolved ({}); audited by CallerContext", op, e.getStatusCode());
        } catch (RuntimeException e) {
            // The audit store failed: say so.
            log.error("FHIR access audit not recorded for {}: {}", op, e.getMessage());
        }
    }

    static String action(RestOperationTypeEnum op) {
        return switch (op) {
            case READ, VREAD -> "R";
            case CREATE -> "C";
            case UPDATE, PATCH -> "U";
            case DELETE -> "D";
            default -> "E";
        };
    }
}
