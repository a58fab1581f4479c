package fr.crt.hub.access;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import ca.uhn.fhir.util.UrlUtil;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * Compartment and operation rules per caller: the hub's ADMIN is unrestricted; auditors read AuditEvents only;
 * care callers read (and write) the resource types their role may read (write) in the matrix, inside the Patient
 * compartments of the persons of their circle; directory data for anyone in a circle; transactions under the same
 * rules (a bundle reading a type the role may not read is refused whole; a batch entry's page left empty by the consent
 * service does not refuse the batch); {@code Patient/$everything} with each returned resource checked. Everything else
 * is refused (403).
 */
public class CareAuthorization extends AuthorizationInterceptor {

    /** A compartment nobody owns, so that a caller with an empty circle matches nothing. */
    static final IIdType NO_ONE = new IdType("Patient", "no-one");

    private final CallerContext callers;
    private final AccessMatrix matrix;
    private final CareConsentService owners;

    public CareAuthorization(CallerContext callers, AccessMatrix matrix, CareConsentService owners) {
        super(PolicyEnum.DENY);
        // Reads and histories of resources other than the Patient are judged on the resources returned (after the
        // consent service has removed what the caller may not see), not refused up front for lack of a Patient id.
        setFlags(AuthorizationFlagsEnum.DO_NOT_PROACTIVELY_BLOCK_COMPARTMENT_READ_ACCESS);
        this.callers = callers;
        this.matrix = matrix;
        this.owners = owners;
    }

    /**
     * A resource is in reach when its one owner (the Patient itself, or the single person of its Patient compartment)
     * is a person of the caller's reach. Without a resource (a read or search before anything is loaded), the request
     * goes on: search narrowing limits it and every returned resource is tested here and by the consent service.
     */
    record InReach(CallerContext.Caller caller, CareConsentService owners) implements IAuthRuleTester {
        @Override
        public boolean matches(RuleTestRequest r) {
            return r.resource == null || inReach(r.resource);
        }

        @Override
        public boolean matchesOutput(RuleTestRequest r) {
            return r.resource == null || inReach(r.resource);
        }

        private boolean inReach(org.hl7.fhir.instance.model.api.IBaseResource resource) {
            // HAPI checks the resources of a page one by one, contained ones too: those go with their container
            if (caller.contained.contains(resource)) return true;
            String owner = owners.owner(caller, resource);
            return owner != null && caller.patients.contains(owner);
        }
    }

    /**
     * A search or history page that a batch entry answered with nothing in it. HAPI checks each resource of a batch
     * response on the way out, the pages of its entries included; a page's resources are checked one by one, but a page
     * left empty (the person's data the caller may not see removed by the consent service, e.g. a role that reads
     * TDDUI accords but not oppositions asking for Consents) matches no rule and would refuse the whole batch. It
     * holds no resource of anyone, so it is let through — only in a batch or transaction answer, never as a read of a
     * stored Bundle.
     */
    static final IAuthRuleTester EMPTY_PAGE_IN_BATCH = new IAuthRuleTester() {
        @Override
        public boolean matches(RuleTestRequest r) {
            return emptyPage(r);
        }

        @Override
        public boolean matchesOutput(RuleTestRequest r) {
            return emptyPage(r);
        }

        private boolean emptyPage(RuleTestRequest r) {
            return r.operation == RestOperationTypeEnum.TRANSACTION && r.resource instanceof Bundle page
                    && (page.getType() == Bundle.BundleType.SEARCHSET || page.getType() == Bundle.BundleType.HISTORY)
                    && page.getEntry().stream().noneMatch(Bundle.BundleEntryComponent::hasResource);
        }
    };

    /**
     * A batch or transaction reading a type the role reads no kind of is refused whole (403, no data), before any entry
     * runs, as a direct read of that type is. HAPI lets a bundle of reads in and judges what comes out; left to it, the
     * refusal depended on how its entries ran (in parallel, an error entry's OperationOutcome refused the answer; one
     * after the other, it did not). Reads of types the role may read go on, each resource judged as in any read.
     */
    record ReadsOfUnreadableTypes(java.util.Set<String> readable) implements IAuthRule {
        @Override
        public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource input, IIdType inputId,
                                 IBaseResource output, IRuleApplier applier, java.util.Set<AuthorizationFlagsEnum> flags,
                                 Pointcut pointcut) {
            if (operation != RestOperationTypeEnum.TRANSACTION || !(input instanceof Bundle bundle)) return null;
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                if (e.getRequest().getMethod() != Bundle.HTTPVerb.GET || !e.getRequest().hasUrl()) continue;
                String type = UrlUtil.parseUrl(e.getRequest().getUrl()).getResourceType();
                if (type != null && !type.isBlank() && !readable.contains(type)) return new Verdict(PolicyEnum.DENY, this);
            }
            return null;
        }

        @Override
        public String getName() {
            return "a bundle reading a type the role may not read";
        }
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        CallerContext.Caller caller = callers.of(request);
        CareIdentity who = caller.identity;
        IAuthRuleBuilder rules = new RuleBuilder();
        if (who.unrestricted()) return rules.allowAll("hub administrator").build();
        rules.allow("capabilities").metadata().andThen();
        if (who.auditor()) {
            return rules.allow("audit trail").read().resourcesOfType("AuditEvent").withAnyId().andThen()
                    .denyAll("auditors read the audit trail only").build();
        }
        if (!who.careCaller()) return rules.denyAll("no health data for this hub account").build();
        List<IIdType> reach = caller.patients.isEmpty() ? List.of(NO_ONE)
                : caller.patients.stream().map(p -> (IIdType) new IdType(p)).toList();
        // Reads: tested on each resource's single owner, one set lookup; HAPI's inCompartment(list) would test every
        // person of the circle against every returned resource (a GP's circle of hundreds made searches 2x slower).
        IAuthRuleTester inReach = new InReach(caller, owners);
        java.util.Set<String> readable = new java.util.HashSet<>(matrix.resourceTypes(who.role(), Access.READ));
        for (String type : readable) {
            rules.allow("read " + type).read().resourcesOfType(type).withAnyId().withTester(inReach).andThen();
        }
        if (!caller.patients.isEmpty()) {
            for (String type : List.of("Organization", "Practitioner", "PractitionerRole", "Location")) {
                if (!matrix.isDirectory(type)) continue;
                rules.allow("directory " + type).read().resourcesOfType(type).withAnyId().andThen();
                readable.add(type);
            }
        }
        for (String type : matrix.resourceTypes(who.role(), Access.WRITE)) {
            rules.allow("write " + type).write().resourcesOfType(type).inCompartment("Patient", reach).andThen();
        }
        rules.allow("transactions").transaction().withAnyOperation().andApplyNormalRules().andThen();
        rules.allow("empty page in a batch answer").read().resourcesOfType("Bundle").withAnyId()
                .withTester(EMPTY_PAGE_IN_BATCH).andThen();
        rules.allow("everything").operation().named("$everything").onInstancesOfType(Patient.class)
                .andRequireExplicitResponseAuthorization().andThen();
        List<IAuthRule> built = new java.util.ArrayList<>(rules.denyAll("outside the caller's care circle or the access matrix").build());
        built.add(0, new ReadsOfUnreadableTypes(java.util.Set.copyOf(readable)));
        return built;
    }
}
