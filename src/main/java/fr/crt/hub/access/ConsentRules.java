package fr.crt.hub.access;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.fhir.CanonicalWriter;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * The person's will and the documents' labels:
 * <ul>
 *   <li>an active {@code Consent} whose {@code provision.type} is {@code deny} is an opposition: without
 *       {@code provision.actor} it opposes every caller; with actors (practitioner by RPPS, organisation by FINESS
 *       or structure id, as identifier references) it opposes those only. Its {@code provision.period}, when
 *       given, limits it in time.</li>
 *   <li>security labels (in {@code meta.security}, and {@code DocumentReference.securityLabel}): confidentiality
 *       {@code R} (restricted) and {@code V} (very restricted) of the v3 Confidentiality code system, and the DMP
 *       confidentiality code {@code MASQUE_PS} (masked to professionals, J08 / 1.2.250.1.213.1.1.4.13).</li>
 * </ul>
 */
@Component
@Interceptor
public class ConsentRules {

    /** Backstop only: every Consent written through HAPI evicts the cache when its transaction commits. */
    private static final long TTL_MILLIS = 30_000;

    private record Cached(List<Consent> consents, long until) {}

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped after each commit that wrote a Consent: a search that overlapped it is not cached. */
    private final AtomicLong generation = new AtomicLong();

    public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public static final String DMP_CONFIDENTIALITY = "urn:oid:1.2.250.1.213.1.1.4.13";
    public static final String MASKED_TO_PROFESSIONALS = "MASQUE_PS";

    private final CanonicalRepository repo;

    public ConsentRules(CanonicalRepository repo) {
        this.repo = repo;
    }

    /**
     * Active Consent resources of {@code patientRef}. Asked for every person in every care caller's answer, so kept
     * until a Consent is written (evicted after that write's commit, {@link #consentWritten}).
     */
    public List<Consent> activeFor(String patientRef) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(patientRef);
        if (c != null && c.until() > now) return c.consents();
        long before = generation.get();
        List<Consent> found = List.copyOf(repo.search(Consent.class, SearchParameterMap.newSynchronous(Consent.SP_PATIENT,
                new ReferenceParam(patientRef)).add(Consent.SP_STATUS, new TokenParam("active"))));
        if (generation.get() == before) cache.put(patientRef, new Cached(found, now + TTL_MILLIS));
        return found;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        consentWritten(resource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource) {
        consentWritten(resource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource) {
        consentWritten(resource);
    }

    /** A Consent was written: forget every cached answer now and again once the write is committed. */
    void consentWritten(IBaseResource resource) {
        if (!(resource instanceof Consent)) return;
        evict();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    evict();
                }
            });
        }
    }

    private void evict() {
        generation.incrementAndGet();
        cache.clear();
    }

    /** Whether one of {@code consents} opposes access by {@code caller} now. */
    public static boolean opposes(List<Consent> consents, CareIdentity caller) {
        Date now = new Date();
        for (Consent c : consents) {
            if (c.getStatus() != Consent.ConsentState.ACTIVE) continue;
            Consent.ProvisionComponent p = c.getProvision();
            if (p.getType() != Consent.ConsentProvisionType.DENY) continue;
            if (p.hasPeriod() && ((p.getPeriod().hasStart() && p.getPeriod().getStart().after(now))
                    || (p.getPeriod().hasEnd() && p.getPeriod().getEnd().before(now)))) continue;
            if (!p.hasActor()) return true;
            for (Consent.provisionActorComponent a : p.getActor()) {
                if (designates(a.getReference(), caller)) return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code consent} says {@code deny} anywhere (its provision or a nested one), whatever its status and
     * period: an opposition, or one that an update could make active. Such a Consent is classed with the oppositions
     * ({@link AccessMatrix#kindOf}), never as an agreement.
     */
    public static boolean deniesAnything(Consent consent) {
        return consent.hasProvision() && denies(consent.getProvision());
    }

    private static boolean denies(Consent.ProvisionComponent p) {
        if (p.getType() == Consent.ConsentProvisionType.DENY) return true;
        for (Consent.ProvisionComponent nested : p.getProvision()) {
            if (denies(nested)) return true;
        }
        return false;
    }

    private static boolean designates(Reference ref, CareIdentity caller) {
        Identifier id = ref.getIdentifier();
        if (!id.hasValue()) return false;
        if (CareCircle.RPPS_SYSTEM.equals(id.getSystem())) {
            return caller.kind() == CareIdentity.Kind.PROFESSIONAL && id.getValue().equals(caller.personId());
        }
        if (CanonicalWriter.FINESS_SYSTEM.equals(id.getSystem()) || !id.hasSystem()) {
            return id.getValue().equals(caller.structureId());
        }
        return false;
    }

    /** Confidentiality of {@code resource}: V, R, MASQUE_PS or null (normal). Most restrictive first. */
    public static String label(Resource resource) {
        boolean r = false, v = false, masked = false;
        Meta meta = resource.getMeta();
        List<Coding> labels = new java.util.ArrayList<>(meta.getSecurity());
        if (resource instanceof org.hl7.fhir.r4.model.DocumentReference d) {
            d.getSecurityLabel().forEach(cc -> labels.addAll(cc.getCoding()));
        }
        for (Coding c : labels) {
            if (CONFIDENTIALITY.equals(c.getSystem()) && "V".equals(c.getCode())) v = true;
            if (CONFIDENTIALITY.equals(c.getSystem()) && "R".equals(c.getCode())) r = true;
            if (MASKED_TO_PROFESSIONALS.equals(c.getCode())) masked = true;
        }
        return masked ? MASKED_TO_PROFESSIONALS : v ? "V" : r ? "R" : null;
    }
}
