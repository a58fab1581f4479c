package fr.crt.hub.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;

/** Every search of a care caller is narrowed to the persons of their circle (plus open emergency grants). */
public class CareSearchNarrowing extends SearchNarrowingInterceptor {

    private final CallerContext callers;

    public CareSearchNarrowing(CallerContext callers) {
        this.callers = callers;
    }

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        CallerContext.Caller caller = callers.of(request);
        if (!caller.identity.careCaller()) return null; // admin: everything; auditors: AuditEvent only (authorization)
        if (caller.patients.isEmpty()) return new AuthorizedList().addCompartment(CareAuthorization.NO_ONE.getValue());
        return new AuthorizedList().addCompartments(caller.patients.toArray(String[]::new));
    }
}
