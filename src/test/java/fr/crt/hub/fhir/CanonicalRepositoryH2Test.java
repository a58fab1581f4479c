package fr.crt.hub.fhir;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The canonical repository on an in-memory H2 database private to this class. */
class CanonicalRepositoryH2Test extends AbstractCanonicalRepositoryTest {

    @DynamicPropertySource
    static void h2(DynamicPropertyRegistry r) {
        register(r, newH2Url(), "sa");
    }
}
