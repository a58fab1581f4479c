package fr.crt.hub.fhir;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Large binary contents (a received document's {@code Binary.data}, any {@code Attachment.data}) are kept out of
 * the resource JSON, in HAPI's binary table {@code HFJ_BINARY_STORAGE}: HAPI otherwise encodes, hashes and stores a
 * 1 MB PDF as 1.4 MB of base64 inside the resource version, which was half of the CPU of MSSanté processing.
 *
 * <p>HAPI's {@link BinaryStorageInterceptor} (a bean of {@code JpaConfig}) does the work on the storage pointcuts:
 * at create/update a content of at least {@code hub.fhir.binary-storage.minimum-size} (64 KB) is replaced by an
 * extension naming its blob id, and the blob is written by {@link DatabaseBinaryContentStorageSvcImpl} in the same
 * database transaction as the resource (nothing half-written if the hub dies; a file store would leave orphans on a
 * rollback). On every read or search through HAPI (REST or DAO, e.g. the MSSanté outbound reading a Binary) the
 * content is put back (auto-inflation, up to {@code inflate-maximum} per read), so callers see the bytes as before.
 * Blobs are tied to their resource id; HAPI deletes them only on {@code $expunge}, which the hub keeps off, so a
 * soft-deleted resource's history still reads its content.
 */
@Configuration(proxyBeanMethods = false)
public class BinaryStorageConfig {

    /** The storage the interceptor and HAPI's binary access provider use: HAPI's table, on the hub's database. */
    @Bean
    public IBinaryStorageSvc binaryStorageSvc(FhirProperties props) {
        DatabaseBinaryContentStorageSvcImpl svc = new DatabaseBinaryContentStorageSvcImpl();
        svc.setMinimumBinarySize(Math.toIntExact(props.binaryStorage().minimumSize().toBytes()));
        return svc;
    }

    /** What is registered (a bean so that tests can see it is in force). */
    public record RegisteredBinaryStorage(BinaryStorageInterceptor<?> interceptor) {}

    /**
     * Registered on HAPI's JPA interceptor service, not on the REST server: the hub writes most resources through the
     * DAOs (CanonicalRepository), and storage pointcuts are only broadcast there.
     */
    @Bean
    public RegisteredBinaryStorage registeredBinaryStorage(IInterceptorService jpaInterceptorService,
                                                           BinaryStorageInterceptor<?> binaryStorageInterceptor,
                                                           JpaStorageSettings settings, FhirProperties props) {
        binaryStorageInterceptor.setAllowAutoInflateBinaries(true);
        binaryStorageInterceptor.setAutoInflateBinariesMaximumSize(props.binaryStorage().inflateMaximum().toBytes());
        settings.setAllowAutoInflateBinaries(true);
        settings.setAutoInflateBinariesMaximumBytes(props.binaryStorage().inflateMaximum().toBytes());
        jpaInterceptorService.registerInterceptor(binaryStorageInterceptor);
        return new RegisteredBinaryStorage(binaryStorageInterceptor);
    }
}
