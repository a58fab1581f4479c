package fr.crt.hub.fhir;

import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Picks HAPI's own Hibernate dialect from the JDBC URL. HAPI ships dialect subclasses (sequence handling, index
 * names, LOB types) and its SQL builder relies on them, so the plain Hibernate dialects are not enough.
 */
final class HapiDialects {
    private HapiDialects() {}

    /** Dialect class name for a JDBC URL; only H2 and PostgreSQL are supported by the hub. */
    static String forJdbcUrl(String url) {
        if (url == null) {
            throw new IllegalStateException("No JDBC URL: cannot choose a Hibernate dialect for HAPI FHIR");
        }
        if (url.startsWith("jdbc:h2:")) {
            return HapiFhirH2Dialect.class.getName();
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return HubPostgresDialect.class.getName();
        }
        throw new IllegalStateException("Unsupported database for the FHIR repository: "
                + url.replaceAll("\\?.*", "") + " (set hub.fhir.hibernate-dialect to force one)");
    }

    /** Asks the DataSource itself, so the choice follows whatever URL Spring Boot actually used. */
    static String forDataSource(DataSource dataSource) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            return forJdbcUrl(c.getMetaData().getURL());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the JDBC URL of the DataSource", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /**
     * The schema the DataSource's connections work in, for PostgreSQL only (null otherwise), so that Hibernate's
     * schema update reads and writes the tables of that schema. Sequences need more: see {@link HubPostgresDialect}.
     */
    static String postgresSchema(DataSource dataSource) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            return c.getMetaData().getURL().startsWith("jdbc:postgresql:") ? c.getSchema() : null;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the schema of the DataSource", e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }
}
