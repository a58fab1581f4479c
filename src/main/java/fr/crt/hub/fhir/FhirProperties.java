package fr.crt.hub.fhir;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the embedded FHIR repository ({@code hub.fhir.*}), kept small on purpose: everything else is HAPI's
 * default.
 *
 * @param path               servlet mapping of the FHIR REST API
 * @param ddlAuto            {@code hibernate.hbm2ddl.auto} for HAPI's tables ({@code update}, {@code validate}, {@code none})
 * @param hibernateDialect   explicit Hibernate dialect class; blank = chosen from the JDBC URL
 * @param schedulingEnabled  HAPI's background tasks (stale search cleanup, batch2 maintenance); off speeds up tests
 * @param defaultPageSize    default search page size
 * @param maxPageSize        maximum search page size
 */
@ConfigurationProperties("hub.fhir")
public record FhirProperties(
        @DefaultValue("/fhir/*") String path,
        @DefaultValue("update") String ddlAuto,
        String hibernateDialect,
        @DefaultValue("true") boolean schedulingEnabled,
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("200") int maxPageSize) {}
