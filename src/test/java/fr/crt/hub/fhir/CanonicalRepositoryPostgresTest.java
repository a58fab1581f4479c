package fr.crt.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.dui.AnsSamplesOverMllpTest;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.PgSchema;
import fr.crt.hub.support.Samples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import java.sql.SQLException;
import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;
import org.springframework.test.context.TestExecutionListeners;

/**
 * The same tests on the real PostgreSQL of the development machine (127.0.0.1:5432, database {@code test},
 * user postgres, trust auth), in a schema created for this run and dropped afterwards.
 */
@TestExecutionListeners(listeners = CanonicalRepositoryPostgresTest.DropSchema.class,
        mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
class CanonicalRepositoryPostgresTest extends AbstractCanonicalRepositoryTest {

    static PgSchema schema;
    /**
     * Another hub's schema in the same database, holding HAPI's sequence: the hub must still create its own (a
     * killed run's leftover schema once made every later hub on this database fail to start).
     */
    static PgSchema neighbour;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry r) throws SQLException {
        neighbour = PgSchema.create("hubtest_");
        try (java.sql.Connection c = neighbour.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE seq_resource_type");
        }
        schema = PgSchema.create("hubtest_");
        register(r, schema.url(), PgSchema.USER);
        r.add("spring.flyway.default-schema", schema::name);
    }

    @Autowired
    MessageStore store;
    @Autowired
    fr.crt.hub.access.AccessMatrix matrix;
    @Autowired
    fr.crt.hub.connector.ConnectorRegistry connectors;

    /**
     * The generated access-matrix test (fr.crt.hub.access.MatrixConformance) on PostgreSQL, in this class's context
     * (no extra Spring context): one role of each sort — a physician and a nurse (tokens shaped like Pro Santé
     * Connect), a home-help worker (structure user), an EHPAD's system (client credentials). Every role runs on H2
     * in AccessMatrixConformanceTest.
     */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicNode> accessMatrixOnPostgres() throws Exception {
        return new fr.crt.hub.access.MatrixConformance(httpPort, admin(), matrix, connectors)
                .run(java.util.List.of("10", "60", "home-help-worker", "ehpad"));
    }

    /** The MLLP flow end to end on PostgreSQL: ANS samples applied, a duplicate acknowledged once, a bad NIR refused. */
    @Test
    void pamFrOverMllpOnPostgres() throws Exception {
        try (MllpClient c = mllp()) {
            for (String sample : AnsSamplesOverMllpTest.PAM_FR_IN_ORDER) {
                assertThat(MllpClient.ackCode(new String(c.sendBytes(Samples.bytes(sample)), StandardCharsets.ISO_8859_1)))
                        .as(sample).isEqualTo("AA");
            }
            String dup = AdtMessages.adt("A01", "PG-DUP", Person.of(500), "VPG", "MPG", "INSERT");
            assertThat(MllpClient.ackCode(c.send(dup))).isEqualTo("AA");
            assertThat(MllpClient.ackCode(c.send(dup))).isEqualTo("AA");
            Person bad = Person.of(501);
            String ack = c.send(AdtMessages.adt("A01", "PG-BADNIR", bad.withNir(bad.nir().substring(0, 13) + "00"), "VB",
                    "MB", "INSERT"));
            assertThat(MllpClient.ackCode(ack)).isEqualTo("AE");
            assertThat(MllpClient.field(ack, "ERR", 2)).isEqualTo("PID^1^3");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(store.countByStatus(MessageStatus.QUEUED) + store.countByStatus(MessageStatus.RETRYING)).isZero();
            assertThat(store.countByStatus(MessageStatus.PROCESSED)).isEqualTo(AnsSamplesOverMllpTest.PAM_FR_IN_ORDER.size() + 1);
        });
        assertThat(store.countByStatus(MessageStatus.DUPLICATE)).isEqualTo(1);
        assertThat(store.countByStatus(MessageStatus.REJECTED)).isEqualTo(1);
        assertThat(store.countByStatus(MessageStatus.DEAD_LETTER)).isZero();
    }

    /**
     * Runs after every other listener of the class: closes this class's context (HAPI's background threads and
     * the pool stop using the schema), then drops the schema.
     */
    static class DropSchema implements TestExecutionListener, Ordered {
        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE; // first before, last after
        }

        @Override
        public void afterTestClass(TestContext testContext) throws Exception {
            testContext.markApplicationContextDirty(DirtiesContext.HierarchyMode.EXHAUSTIVE);
            if (schema != null) schema.close();
            if (neighbour != null) neighbour.close();
        }
    }
}
