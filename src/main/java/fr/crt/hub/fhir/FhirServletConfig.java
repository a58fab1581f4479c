package fr.crt.hub.fhir;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the canonical repository as FHIR R4 REST at {@code hub.fhir.path} (default {@code /fhir/*}) through a
 * plain HAPI {@link RestfulServer} servlet, next to Spring MVC's dispatcher. Security (HTTP Basic, role filter)
 * is applied by the Spring Security filter chain in front of it, not here.
 */
@Configuration(proxyBeanMethods = false)
public class FhirServletConfig {

    @Bean
    public RestfulServer fhirRestfulServer(
            IFhirSystemDao<?, ?> systemDao,
            ResourceProviderFactory resourceProviderFactory,
            IJpaSystemProvider jpaSystemProvider,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            DatabaseBackedPagingProvider pagingProvider,
            FhirProperties props) {
        RestfulServer server = new RestfulServer(systemDao.getContext());
        // Narratives would be generated into stored resources; the hub does not want them (health data in HTML).
        systemDao.getContext().setNarrativeGenerator(new NullNarrativeGenerator());
        server.registerProviders(resourceProviderFactory.createProviders());
        server.registerProvider(jpaSystemProvider);
        JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport);
        capabilities.setImplementationDescription("CRT Hub canonical FHIR repository");
        capabilities.setIncludeResourceCounts(false);
        server.setServerConformanceProvider(capabilities);
        pagingProvider.setDefaultPageSize(props.defaultPageSize());
        pagingProvider.setMaximumPageSize(props.maxPageSize());
        server.setPagingProvider(pagingProvider);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setServerAddressStrategy(new IncomingRequestAddressStrategy());
        return server;
    }

    /** Registers the HAPI servlet; loaded at startup so a broken FHIR configuration fails the boot, not the first call. */
    @Bean
    public ServletRegistrationBean<RestfulServer> fhirServletRegistration(RestfulServer server, FhirProperties props) {
        ServletRegistrationBean<RestfulServer> reg = new ServletRegistrationBean<>(server, props.path());
        reg.setName("fhir");
        reg.setLoadOnStartup(1);
        return reg;
    }
}
