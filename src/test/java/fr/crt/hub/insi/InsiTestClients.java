package fr.crt.hub.insi;

import fr.crt.hub.connector.ConnectorProperties;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.pki.TestPki;
import fr.crt.hub.support.InsiWireMock;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** CXF INSi clients built directly (no Spring) from the project's connectors/insi.yaml, aimed at {@link InsiWireMock}. */
final class InsiTestClients {

    static final InsiTraits ECETINSI = new InsiTraits("ECETINSI", List.of("PIERRE-ALAIN", "MURIEL"), "M", "2009-07-14", null);

    private InsiTestClients() {}

    /** The endpoint of the committed connector file (so a typo in it fails here). */
    static InsiEndpoint committedEndpoint() {
        List<InsiEndpoint> all = new ConnectorRegistry(new ConnectorProperties(Path.of("connectors")))
                .services("insi", InsiEndpoint.class);
        if (all.size() != 1) throw new AssertionError("expected one kind: insi connector, got " + all.size());
        return all.get(0);
    }

    /** The committed endpoint at WireMock, with test-sized timeouts, retries, breaker and quota. */
    static InsiEndpoint endpoint(int maxAttempts, int breakerFailures, int ratePerHour, int readMs) {
        InsiEndpoint e = committedEndpoint();
        return new InsiEndpoint(e.id(), e.kind(), e.displayName(), InsiWireMock.url(), e.certificate(), e.truststore(),
                e.emitter(), e.software(), new InsiEndpoint.Timeouts(2000, readMs),
                new InsiEndpoint.Retry(maxAttempts, 10), new InsiEndpoint.Breaker(breakerFailures, 60), ratePerHour);
    }

    static CxfInsiClient client(InsiEndpoint endpoint, MeterRegistry meters) throws IOException {
        return new CxfInsiClient(endpoint, InsiWireMock.pkiDir(), TestPki.PASSWORD, meters);
    }
}
