package fr.crt.hub.fhir;

import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;

/**
 * HAPI's PostgreSQL dialect, seeing only the sequences of the hub's own schema.
 *
 * <p>Hibernate's schema update (6.6, {@code DatabaseInformationImpl.initializeSequences}) files every sequence it
 * finds under its bare name, whatever its schema, and PostgreSQL's {@code information_schema.sequences} lists every
 * schema the user may see. A {@code seq_resource_type} in another hub's schema of the same database (a second
 * environment, a benchmark, a test run that was killed) then counted as present, the update skipped creating it,
 * and the hub failed at its first FHIR write. {@code hibernate.default_schema} does not help: the lookup drops the
 * schema. Restricting the query to {@code current_schema()} does.
 */
public class HubPostgresDialect extends HapiFhirPostgresDialect {

    public HubPostgresDialect() {}

    public HubPostgresDialect(DialectResolutionInfo info) {
        super(info);
    }

    @Override
    public String getQuerySequencesString() {
        return "select * from information_schema.sequences where sequence_schema = current_schema()";
    }
}
