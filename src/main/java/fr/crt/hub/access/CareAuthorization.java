package fr.crt.hub.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * Compartment and operation rules per caller: the hub's ADMIN is unrestricted; auditors read AuditEvents only;
 * care callers read (and write) the resource types their role may read (write) in the matrix, inside the Patient
 * compartments of the persons of their circle; directory data for anyone in a circle; transactions under the same
 * rules; {@code Patient/$everything} with each returned resource checked. Everything else is refused (403).
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
            String owner = owners.owner(caller, resource);
            return owner != null && caller.patients.contains(owner);
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
        for (String type : matrix.resourceTypes(who.role(), Access.READ)) {
            rules.allow("read " + type).read().resourcesOfType(type).withAnyId().withTester(inReach).andThen();
        }
        if (!caller.patients.isEmpty()) {
            for (String type : List.of("Organization", "Practitioner", "PractitionerRole", "Location")) {
                if (matrix.isDirectory(type)) rules.allow("directory " + type).read().resourcesOfType(type).withAnyId().andThen();
            }
        }
        for (String type : matrix.resourceTypes(who.role(), Access.WRITE)) {
            rules.allow("write " + type).write().resourcesOfType(type).inCompartment("Patient", reach).andThen();
        }
        rules.allow("transactions").transaction().withAnyOperation().andApplyNormalRules().andThen();
        rules.allow("everything").operation().named("$everything").onInstancesOfType(Patient.class)
                .andRequireExplicitResponseAuthorization().andThen();
        return rules.denyAll("outside the caller's care circle or the access matrix").build();
    }
}
