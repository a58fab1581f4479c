package fr.crt.hub.access;

import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import fr.crt.hub.audit.AuditTrail;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the access rules into HAPI itself, so that every path (read, search, paging, {@code _include},
 * {@code _revinclude}, {@code $everything}, history, transactions) goes through them:
 * {@link CareAuthorization} (compartments and operations), {@link CareSearchNarrowing} (searches reach only the
 * caller's persons), HAPI's {@link ConsentInterceptor} with {@link CareConsentService} (per-resource decisions and
 * element masks, with {@link MaskedAnswers} as the last gate of the masks and {@link MaskedSearchGuard} refusing
 * searches on masked elements),
 * and {@link FhirAccessAudit} (one AuditEvent per request).
 */
@Configuration(proxyBeanMethods = false)
public class FhirAccessConfig {

    /** The registered interceptors (a bean so that tests and the benchmark can see what is in force). */
    public record FhirAccessInterceptors(CareAuthorization authorization, CareSearchNarrowing narrowing,
                                         ConsentInterceptor consent, MatrixWriteCheck writes, FhirAccessAudit audit,
                                         MaskedAnswers answers, MaskedSearchGuard maskedSearches) {}

    @Bean
    FhirAccessInterceptors fhirAccessInterceptors(RestfulServer server, CallerContext callers, AccessMatrix matrix,
                                                  AuditTrail auditTrail, ElementMasks masks, ConsentRules consentRules,
                                                  ca.uhn.fhir.interceptor.api.IInterceptorService jpaInterceptors) {
        CareConsentService consentService = new CareConsentService(callers, matrix, server.getFhirContext(), masks);
        FhirAccessInterceptors i = new FhirAccessInterceptors(
                new CareAuthorization(callers, matrix, consentService),
                new CareSearchNarrowing(callers),
                new ConsentInterceptor(consentService),
                new MatrixWriteCheck(callers, matrix, consentService, masks),
                new FhirAccessAudit(callers, auditTrail),
                new MaskedAnswers(callers, masks),
                new MaskedSearchGuard(callers, matrix, server.getFhirContext()));
        server.registerInterceptor(i.audit());
        server.registerInterceptor(i.narrowing());
        server.registerInterceptor(i.consent());
        server.registerInterceptor(i.authorization());
        server.registerInterceptor(i.writes());
        server.registerInterceptor(i.answers());
        server.registerInterceptor(i.maskedSearches());
        // on the JPA side: every Consent write (REST, TDDUI intake, the hub's own) evicts the consent cache
        jpaInterceptors.registerInterceptor(consentRules);
        return i;
    }
}
