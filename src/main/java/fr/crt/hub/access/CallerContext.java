package fr.crt.hub.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Resolves, once per FHIR request, who is asking ({@link CareIdentity}) and which persons they may reach (care
 * circle plus open emergency grants), and keeps it in the request's user data for the HAPI interceptors.
 */
@Component
public class CallerContext {

    static final String KEY = CallerContext.class.getName();
    private static final Logger log = LoggerFactory.getLogger(CallerContext.class);

    private final CareCircle circle;
    private final EmergencyAccess emergency;
    private final ConsentRules consents;
    private final AuditTrail audit;

    public CallerContext(CareCircle circle, EmergencyAccess emergency, ConsentRules consents, AuditTrail audit) {
        this.circle = circle;
        this.emergency = emergency;
        this.consents = consents;
        this.audit = audit;
    }

    /** What one request knows about its caller. */
    public static final class Caller {
        public final CareIdentity identity;
        /** Versionless Patient ids the caller may reach (circle and emergency), care callers only. */
        public final Set<String> patients;
        public final Set<String> emergencyPatients;
        /** Patients whose data this request returned (for the audit line). */
        final Set<String> seen = new LinkedHashSet<>();
        final Map<String, List<Consent>> consentCache = new java.util.concurrent.ConcurrentHashMap<>();
        /** Owner of each resource version this request looked at (versioned id → Patient ref, empty: none). */
        final Map<String, java.util.Optional<String>> owners = new java.util.concurrent.ConcurrentHashMap<>();
        /**
         * The resources contained in those this request shows (by identity): HAPI asks about them too, but they are
         * judged and masked with their container ({@link CareConsentService}, {@link CareAuthorization}).
         */
        final Set<org.hl7.fhir.instance.model.api.IBaseResource> contained =
                java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

        Caller(CareIdentity identity, Set<String> patients, Set<String> emergencyPatients) {
            this.identity = identity;
            this.patients = patients;
            this.emergencyPatients = emergencyPatients;
        }
    }

    /**
     * The caller of {@code request}, resolved on first use. Kept in the request's user data and in the servlet
     * request: HAPI runs the entries of a batch on worker threads (no Spring security context there), as
     * sub-requests that share the servlet request, so they find the caller resolved by the outer request.
     */
    public Caller of(RequestDetails request) {
        Object cached = request.getUserData().get(KEY);
        if (cached instanceof Caller c) return c;
        jakarta.servlet.http.HttpServletRequest servlet =
                request instanceof ca.uhn.fhir.rest.server.servlet.ServletRequestDetails s ? s.getServletRequest() : null;
        if (servlet != null && servlet.getAttribute(KEY) instanceof Caller c) {
            request.getUserData().put(KEY, c);
            return c;
        }
        Caller c = resolve(request);
        request.getUserData().put(KEY, c);
        if (servlet != null) servlet.setAttribute(KEY, c);
        return c;
    }

    List<Consent> consentsOf(Caller caller, String patientRef) {
        return caller.consentCache.computeIfAbsent(patientRef, consents::activeFor);
    }

    private Caller resolve(RequestDetails request) {
        CareIdentity identity = identity(SecurityContextHolder.getContext().getAuthentication());
        if (!identity.careCaller()) return new Caller(identity, Set.of(), Set.of());
        String wanted = request.getHeader(EmergencyAccess.PATIENT_HEADER);
        if (wanted != null) openEmergency(identity, wanted, request.getHeader(AccessMatrix.EMERGENCY_REASON_HEADER));
        Set<String> open = emergency.openFor(identity);
        Set<String> patients = circle.patientsOf(identity);
        if (!open.isEmpty()) {
            Set<String> all = new LinkedHashSet<>(patients);
            all.addAll(open);
            patients = Set.copyOf(all);
        }
        return new Caller(identity, patients, open);
    }

    private void openEmergency(CareIdentity identity, String wanted, String reason) {
        IdType id = new IdType(wanted);
        if (!"Patient".equals(id.getResourceType()) || !id.hasIdPart()) {
            audit.record(new AuditRecord("E", "emergency-access", identity.who(), identity.role(), null, null,
                    AuditRecord.Outcome.MINOR_FAILURE, "malformed " + EmergencyAccess.PATIENT_HEADER));
            throw new InvalidRequestException(EmergencyAccess.PATIENT_HEADER + " must be Patient/<id>");
        }
        String patientRef = id.toUnqualifiedVersionless().getValue();
        try {
            Instant until = emergency.open(identity, patientRef, reason);
            String audited = audit.record(new AuditRecord("E", "emergency-access", identity.who(), identity.role(),
                    patientRef, null, AuditRecord.Outcome.SUCCESS, "reason: " + reason.strip() + "; until " + until));
            // the professional's RPPS and the reason stay in the AuditEvent (auditors only)
            log.warn("Emergency access opened, role {}, until {} ({})", identity.role(), until, audited);
        } catch (IllegalStateException | IllegalArgumentException e) {
            audit.record(new AuditRecord("E", "emergency-access", identity.who(), identity.role(), patientRef, null,
                    AuditRecord.Outcome.MINOR_FAILURE, e.getMessage()));
            throw new ForbiddenOperationException("Emergency access refused: " + e.getMessage());
        }
    }

    static CareIdentity identity(Authentication auth) {
        if (auth == null || !auth.isAuthenticated()) throw new AuthenticationException("not authenticated");
        if (auth instanceof CareAuthentication care) return care.identity();
        Set<String> roles = new LinkedHashSet<>();
        for (GrantedAuthority a : auth.getAuthorities()) roles.add(a.getAuthority());
        if (roles.contains("ROLE_ADMIN")) return new CareIdentity(CareIdentity.Kind.HUB_ADMIN, auth.getName(), "ADMIN", null, null);
        if (roles.contains("ROLE_AUDITOR")) return new CareIdentity(CareIdentity.Kind.HUB_ACCOUNT, auth.getName(), "AUDITOR", null, null);
        return new CareIdentity(CareIdentity.Kind.HUB_ACCOUNT, auth.getName(),
                roles.contains("ROLE_OPERATOR") ? "OPERATOR" : "NONE", null, null);
    }
}
