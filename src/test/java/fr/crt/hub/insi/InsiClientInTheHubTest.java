package fr.crt.hub.insi;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.InsiWireMock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The shared test hub's InsiClient bean calls WireMock (hub.insi.url from HubTestCommon) over mTLS with the
 * hub's own insi.p12 from its PKI folder, and counts the call in the metrics.
 */
class InsiClientInTheHubTest extends HubTestBase {

    @Autowired
    InsiClient insi;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeEach
    void reset() {
        InsiWireMock.reset();
    }

    @Test
    void hubCallsInsiWithItsOwnCertificate() throws Exception {
        assertThat(insi).isInstanceOf(ConfiguredInsiClient.class);
        assertThat(((ConfiguredInsiClient) insi).endpoint().url()).isEqualTo(InsiWireMock.url());
        InsiWireMock.answerWith("insi/responses/TEST_2.08_cas1_CR00_CORSE_ANTHONY_2B.xml");
        InsiAnswer a = insi.searchByTraits(new InsiTraits("CORSE", java.util.List.of("ANTHONY"), "M", "1980-03-02", "2B020"));
        assertThat(a.found()).isTrue();
        assertThat(a.identities().get(0).birthPlace()).isEqualTo("2B020");
        assertThat(InsiWireMock.requests()).hasSize(1);
        // exported as hub_insi_calls_total{outcome="cr00"} (the Prometheus endpoint is off in Spring Boot tests)
        assertThat(meters.get(CxfInsiClient.METRIC_CALLS).tag("outcome", "cr00").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get(CxfInsiClient.METRIC_DURATION).tag("outcome", "cr00").timer().count()).isGreaterThanOrEqualTo(1);
    }
}
