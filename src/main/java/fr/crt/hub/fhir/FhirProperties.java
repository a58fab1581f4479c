package fr.crt.hub.fhir;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
 * @param binaryStorage      where large binary contents go (see {@link BinaryStorageConfig})
 */
@ConfigurationProperties("hub.fhir")
public record FhirProperties(
        @DefaultValue("/fhir/*") String path,
        @DefaultValue("update") String ddlAuto,
        String hibernateDialect,
        @DefaultValue("true") boolean schedulingEnabled,
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("200") int maxPageSize,
        @DefaultValue BinaryStorage binaryStorage) {

    /**
     * @param minimumSize     a {@code base64Binary} (Binary.data, Attachment.data) at least this large is stored in
     *                        HAPI's binary table instead of inside the resource JSON; smaller ones stay inline
     * @param inflateMaximum  contents put back into resources read through HAPI, per read or search page; must exceed
     *                        the largest accepted document (XDM entry cap 50 MB), or a read Binary comes back without data
     */
    public record BinaryStorage(@DefaultValue("64KB") DataSize minimumSize, @DefaultValue("64MB") DataSize inflateMaximum) {}
}
