package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.support.HubTestBase;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The generated matrix test on the shared (H2) hub, for every role of {@code mappings/access-matrix.yaml}: see
 * {@link MatrixConformance}. Professions call with Pro Santé Connect-shaped tokens, CRT roles as structure users,
 * partner kinds with the client credentials their connector file declares.
 */
class AccessMatrixConformanceTest extends HubTestBase {

    @Autowired
    AccessMatrix matrix;
    @Autowired
    ConnectorRegistry connectors;

    @TestFactory
    Stream<DynamicNode> everyRoleEveryKindEveryPath() throws Exception {
        assertThat(matrix.roles()).hasSizeGreaterThan(10);
        return new MatrixConformance(httpPort, admin(), matrix, connectors).run(matrix.roles());
    }
}
