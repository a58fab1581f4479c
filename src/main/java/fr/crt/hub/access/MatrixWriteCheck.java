package fr.crt.hub.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Writes by care callers, checked on the resource itself just before storage (also inside transactions): its
 * kind of data (document type included) must be writable by the caller's role, and the person must be in reach.
 * {@link CareAuthorization} checks the resource type and compartment first; this adds what only the content
 * says (a DocumentReference's typeCode, a Communication's category). On an update, the elements the caller's role
 * may not see (masks of the matrix) are kept as stored: the caller was given a copy without them.
 */
@Interceptor
public class MatrixWriteCheck {

    private final CallerContext callers;
    private final AccessMatrix matrix;
    private final CareConsentService owners;
    private final ElementMasks masks;

    public MatrixWriteCheck(CallerContext callers, AccessMatrix matrix, CareConsentService owners, ElementMasks masks) {
        this.callers = callers;
        this.matrix = matrix;
        this.owners = owners;
        this.masks = masks;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(RequestDetails request, IBaseResource resource) {
        check(request, resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(RequestDetails request, IBaseResource previous, IBaseResource resource) {
        check(request, previous);
        check(request, resource);
        if (request == null || request instanceof ca.uhn.fhir.rest.api.server.SystemRequestDetails) return;
        CallerContext.Caller caller = callers.of(request);
        if (caller.identity.careCaller()) masks.keepMasked(caller.identity.role(), previous, resource);
    }

    private void check(RequestDetails request, IBaseResource resource) {
        // The hub's own writes (mappers, audit) carry a SystemRequestDetails: not a remote caller.
        if (request == null || resource == null || request instanceof ca.uhn.fhir.rest.api.server.SystemRequestDetails) return;
        CallerContext.Caller caller = callers.of(request);
        if (!caller.identity.careCaller()) return;
        String kind = matrix.kindOf(resource);
        if (kind == null || !matrix.allows(caller.identity.role(), kind, Access.WRITE)) {
            throw new ForbiddenOperationException("Access denied: this role may not write this kind of data");
        }
        String owner = owners.owner(resource);
        if (owner == null && resource instanceof org.hl7.fhir.r4.model.Patient) return; // a new person: no id yet
        if (owner == null || !caller.patients.contains(owner)) {
            throw new ForbiddenOperationException("Access denied: person outside the caller's care circle");
        }
    }
}
