package fr.crt.hub.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The last gate of element masking: the answer about to be written, top-level resource and Bundle entries, is the
 * caller's role view. {@link CareConsentService} masks what HAPI shows through its consent pointcuts, but HAPI answers a
 * create / update / patch (and a transaction with {@code Prefer: return=representation}) with the instance it stored,
 * already marked as seen, so the consent service's replacement never reaches that answer (seen in
 * EachRoleSeesItsViewOfAResourceTest). Masking twice is harmless: a masked copy masks to the same view.
 */
@Interceptor
public class MaskedAnswers {

    private final CallerContext callers;
    private final ElementMasks masks;

    public MaskedAnswers(CallerContext callers, ElementMasks masks) {
        this.callers = callers;
        this.masks = masks;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean answer(RequestDetails request, ResponseDetails response) {
        IBaseResource answer = response.getResponseResource();
        if (answer == null || request == null) return true;
        CallerContext.Caller caller = callers.of(request);
        if (!caller.identity.careCaller()) return true;
        String role = caller.identity.role();
        if (answer instanceof Bundle bundle) {
            mask(role, bundle);
        } else {
            response.setResponseResource(masks.masked(role, answer));
        }
        return true;
    }

    /** Entries are replaced in the Bundle: it is the answer being built for this request only. */
    private void mask(String role, Bundle bundle) {
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.getResource() instanceof Bundle inner) {
                mask(role, inner);
            } else if (e.hasResource()) {
                e.setResource(masks.masked(role, e.getResource()));
            }
        }
    }
}
