package fr.crt.hub.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Thin facade over HAPI's DAOs for the hub's own code (mappers, writers, outbound flows).
 *
 * <p>Why: hub code runs outside any HTTP request, so every call carries a {@link SystemRequestDetails} (system
 * identity, default partition) and goes straight to the DAOs, joining the caller's Spring transaction if there is
 * one. Searches are synchronous (no search cache, no paging) because the hub only looks up a few resources by
 * business identifier, and they flush pending writes first so that a lookup inside a transaction sees what the
 * same transaction already wrote.
 */
@Service
public class CanonicalRepository {

    private final DaoRegistry daoRegistry;
    private final IFhirSystemDao<Bundle, Meta> systemDao;

    @PersistenceContext
    private EntityManager entityManager;

    public CanonicalRepository(DaoRegistry daoRegistry, IFhirSystemDao<Bundle, Meta> systemDao) {
        this.daoRegistry = daoRegistry;
        this.systemDao = systemDao;
    }

    /** Request context of the hub itself (not of a remote user): no authorization interceptor applies. */
    public static SystemRequestDetails systemRequest() {
        return new SystemRequestDetails();
    }

    /** All patients carrying {@code system|value} (normally 0 or 1; several means an identity-vigilance issue). */
    public List<Patient> searchPatientsByIdentifier(String system, String value) {
        return search(Patient.class, SearchParameterMap.newSynchronous(
                Patient.SP_IDENTIFIER, new TokenParam(system, value)));
    }

    /** The patient carrying {@code system|value}; the first one if several do. */
    public Optional<Patient> findPatientByIdentifier(String system, String value) {
        return searchPatientsByIdentifier(system, value).stream().findFirst();
    }

    /** Stays of a patient, e.g. {@code Patient/12}. */
    public List<Encounter> searchEncountersBySubject(IIdType patientId) {
        return search(Encounter.class, SearchParameterMap.newSynchronous(
                Encounter.SP_SUBJECT, new ReferenceParam(patientId.toUnqualifiedVersionless().getValue())));
    }

    /** The stay with this identifier (visit number), if any. */
    public Optional<Encounter> findEncounterByIdentifier(String system, String value) {
        return search(Encounter.class, SearchParameterMap.newSynchronous(
                Encounter.SP_IDENTIFIER, new TokenParam(system, value))).stream().findFirst();
    }

    /** Provenance resources tagged {@code system|code} (the hub tags each one with its source message). */
    public List<Provenance> searchProvenanceByTag(String system, String code) {
        return search(Provenance.class, SearchParameterMap.newSynchronous(
                Constants.PARAM_TAG, new TokenParam(system, code)));
    }

    public <T extends Resource> T read(Class<T> type, IIdType id) {
        return dao(type).read(id.toUnqualifiedVersionless(), systemRequest());
    }

    /** One version of a resource ({@code Patient/12/_history/3}). */
    public <T extends Resource> T vread(Class<T> type, IIdType versioned) {
        if (!versioned.hasVersionIdPart()) throw new IllegalArgumentException("a version is needed: " + versioned.getValue());
        return dao(type).read(versioned.toUnqualified(), systemRequest());
    }

    public <T extends Resource> DaoMethodOutcome create(T resource) {
        return dao(resource).create(resource, systemRequest());
    }

    /**
     * Conditional create: creates {@code resource} unless a resource matches {@code ifNoneExist} (e.g.
     * {@code identifier=urn:oid:...|123}). HAPI also records the match URL so that two concurrent transactions
     * cannot both create (the second fails at commit).
     */
    public <T extends Resource> DaoMethodOutcome create(T resource, String ifNoneExist) {
        return dao(resource).create(resource, ifNoneExist, systemRequest());
    }

    /** Update by id; HAPI skips the new version when nothing changed. */
    public <T extends Resource> DaoMethodOutcome update(T resource) {
        return dao(resource).update(resource, systemRequest());
    }

    /** FHIR transaction/batch bundle, processed atomically (joins the caller's transaction if any). */
    public Bundle transaction(Bundle bundle) {
        return systemDao.transaction(systemRequest(), bundle);
    }

    /**
     * FHIR transaction bundle applied inside the caller's Spring transaction (HAPI's {@code transactionNested}):
     * {@link #transaction} refuses to run while one is active, so a writer that also writes other resources in the
     * same unit of work (all or nothing) uses this one.
     */
    public Bundle transactionInCurrent(Bundle bundle) {
        flushIfInTransaction(); // what the caller wrote before must be seen by the bundle's reference checks
        return systemDao.transactionNested(systemRequest(), bundle);
    }

    /** Synchronous search returning every match. */
    public <T extends Resource> List<T> search(Class<T> type, SearchParameterMap map) {
        flushIfInTransaction();
        map.setLoadSynchronous(true);
        IBundleProvider result = dao(type).search(map, systemRequest());
        return result.getAllResources().stream().map(type::cast).toList();
    }

    /**
     * Synchronous search returning the first {@code max} matches in the map's sort order (a count-limited search has no
     * known total, so {@link #search} cannot be used for it).
     */
    public <T extends Resource> List<T> searchFirst(Class<T> type, SearchParameterMap map, int max) {
        flushIfInTransaction();
        map.setLoadSynchronous(true);
        map.setCount(max);
        IBundleProvider result = dao(type).search(map, systemRequest());
        return result.getResources(0, max).stream().map(type::cast).toList();
    }

    private void flushIfInTransaction() {
        if (TransactionSynchronizationManager.isActualTransactionActive()
                && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
            entityManager.flush();
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends Resource> IFhirResourceDao<T> dao(T resource) {
        return (IFhirResourceDao<T>) daoRegistry.getResourceDao(resource.getClass());
    }

    private <T extends Resource> IFhirResourceDao<T> dao(Class<T> type) {
        return daoRegistry.getResourceDao(type);
    }
}
