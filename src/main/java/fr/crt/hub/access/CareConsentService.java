package fr.crt.hub.access;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOperationStatusEnum;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Per-resource decision for every resource HAPI is about to return — read, search page, {@code _include},
 * {@code _revinclude}, {@code $everything}, history, transaction responses: the person must be in the caller's
 * reach, not opposed to the caller, the resource's kind of data readable by the caller's role in the matrix, and
 * its confidentiality label compatible with the role. Rejected resources are left out silently (never a 403 that
 * would confirm they exist). A resource the caller may see is then given as its role's view ({@link ElementMasks}):
 * a labelled copy without the elements the matrix masks for the role, handed back to HAPI as the outcome's
 * resource, so that the stored or cached instance is never touched.
 */
public class CareConsentService implements IConsentService {

    private final CallerContext callers;
    private final AccessMatrix matrix;
    private final FhirContext fhir;
    private final ElementMasks masks;

    public CareConsentService(CallerContext callers, AccessMatrix matrix, FhirContext fhir, ElementMasks masks) {
        this.callers = callers;
        this.matrix = matrix;
        this.fhir = fhir;
        this.masks = masks;
    }

    @Override
    public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
        CallerContext.Caller caller = callers.of(request);
        return caller.identity.unrestricted() ? ConsentOutcome.AUTHORIZED : ConsentOutcome.PROCEED;
    }

    @Override
    public boolean shouldProcessCanSeeResource(RequestDetails request, IConsentContextServices services) {
        return true;
    }

    @Override
    public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
        CallerContext.Caller caller = callers.of(request);
        if (caller.contained.contains(resource)) return ConsentOutcome.PROCEED;
        return decide(caller, resource);
    }

    @Override
    public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
        CallerContext.Caller caller = callers.of(request);
        // HAPI also asks about each resource a returned one contains, and would put the answer (a replacement, or
        // null for a rejection) in place of the container's whole `contained` list while walking it. A contained
        // resource has no owner nor identity of its own: it was judged, and masked, with its container. Left as it is.
        if (caller.contained.contains(resource)) return ConsentOutcome.PROCEED;
        ConsentOutcome outcome = decide(caller, resource);
        if (outcome != ConsentOutcome.PROCEED || !caller.identity.careCaller()) return outcome;
        IBaseResource view = masks.masked(caller.identity.role(), resource);
        // HAPI may walk either the resource or its replacement
        if (resource instanceof Resource r) caller.contained.addAll(ContainedResources.of(r));
        if (view instanceof Resource v) caller.contained.addAll(ContainedResources.of(v));
        // HAPI replaces the resource it shows by the outcome's (read, search pages, includes, history, bundles)
        return view == resource ? outcome : new ConsentOutcome(ConsentOperationStatusEnum.PROCEED, view);
    }

    ConsentOutcome decide(CallerContext.Caller caller, IBaseResource resource) {
        if (resource instanceof OperationOutcome || resource instanceof Bundle) return ConsentOutcome.PROCEED;
        String type = fhir.getResourceType(resource);
        CareIdentity who = caller.identity;
        if (!who.careCaller()) {
            return who.auditor() && "AuditEvent".equals(type) ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
        }
        if (matrix.isDirectory(type)) return caller.patients.isEmpty() ? ConsentOutcome.REJECT : ConsentOutcome.PROCEED;
        String kind = matrix.kindOf(resource);
        if (kind == null || !matrix.allows(who.role(), kind, Access.READ)) return ConsentOutcome.REJECT;
        String patient = owner(caller, resource);
        if (patient == null || !caller.patients.contains(patient)) return ConsentOutcome.REJECT;
        if (ConsentRules.opposes(callers.consentsOf(caller, patient), who)) return ConsentOutcome.REJECT;
        String label = resource instanceof Resource r ? ConsentRules.label(r) : null;
        if (ConsentRules.MASKED_TO_PROFESSIONALS.equals(label)) return ConsentOutcome.REJECT;
        if ("V".equals(label) && !matrix.mayReadVeryRestricted(who.role())) return ConsentOutcome.REJECT;
        if ("R".equals(label) && !matrix.mayReadRestricted(who.role())) return ConsentOutcome.REJECT;
        synchronized (caller.seen) {
            caller.seen.add(patient);
        }
        return ConsentOutcome.PROCEED;
    }

    /**
     * The person a resource is about: the Patient itself, else the single owner in the Patient compartment. A
     * resource in the compartments of several persons has no single owner (null): care callers do not see it.
     */
    /** {@link #owner(IBaseResource)}, worked out once per resource version and request (authorization asks too). */
    String owner(CallerContext.Caller caller, IBaseResource resource) {
        IIdType id = resource.getIdElement();
        if (id == null || !id.hasIdPart() || !id.hasVersionIdPart() || !id.hasResourceType()) return owner(resource);
        return caller.owners.computeIfAbsent(id.getValue(), k -> java.util.Optional.ofNullable(owner(resource))).orElse(null);
    }

    String owner(IBaseResource resource) {
        if (resource instanceof Patient p) return p.getIdElement().toUnqualifiedVersionless().getValue();
        List<IIdType> owners = fhir.newTerser().getCompartmentOwnersForResource("Patient", resource, (java.util.Set<String>) null);
        if (owners.isEmpty()) return null;
        String first = owners.get(0).toUnqualifiedVersionless().getValue();
        return owners.stream().map(o -> o.toUnqualifiedVersionless().getValue()).distinct().count() == 1 ? first : null;
    }
}
