package fr.crt.hub.insi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.InsiWireMock;
import fr.crt.hub.support.Samples;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The shared test hub's InsiClient bean calls WireMock (hub.insi.url from HubTestCommon) over mTLS with the
 * hub's own insi.p12 from its PKI folder, counts the call in the metrics, and logs neither traits nor INS, even
 * when the answer is an unreadable body quoting them (fixture TEST_2.08 cas 1, CORSE ANTHONY, 2B).
 */
@ExtendWith(OutputCaptureExtension.class)
class InsiClientInTheHubTest extends HubTestBase {

    static final String CORSE = "insi/responses/TEST_2.08_cas1_CR00_CORSE_ANTHONY_2B.xml";
    static final InsiTraits CORSE_TRAITS = new InsiTraits("CORSE", List.of("ANTHONY"), "M", "1980-03-02", "2B020");

    @Autowired
    InsiClient insi;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void reset() {
        InsiWireMock.reset();
    }

    @Test
    void hubCallsInsiWithItsOwnCertificate() throws Exception {
        assertThat(insi).isInstanceOf(ConfiguredInsiClient.class);
        assertThat(((ConfiguredInsiClient) insi).endpoint().url()).isEqualTo(InsiWireMock.url());
        InsiWireMock.answerWith(CORSE);
        InsiAnswer a = insi.searchByTraits(CORSE_TRAITS);
        assertThat(a.found()).isTrue();
        assertThat(a.identities().get(0).birthPlace()).isEqualTo("2B020");
        assertThat(InsiWireMock.requests()).hasSize(1);
        // exported as hub_insi_calls_total{outcome="cr00"} (the Prometheus endpoint is off in Spring Boot tests)
        assertThat(meters.get(CxfInsiClient.METRIC_CALLS).tag("outcome", "cr00").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get(CxfInsiClient.METRIC_DURATION).tag("outcome", "cr00").timer().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void noTraitNorInsInTheLogs(CapturedOutput output) throws Exception {
        InsiWireMock.answerWith(CORSE);
        InsiAnswer a = insi.searchByTraits(CORSE_TRAITS);
        // the same answer under a content type CXF refuses: CXF's own warning would quote the body
        InsiWireMock.reset();
        InsiWireMock.answer(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody(Samples.bytes(CORSE)));
        assertThatThrownBy(() -> insi.searchByTraits(CORSE_TRAITS)).isInstanceOf(InsiCallFailed.class)
                .satisfies(e -> assertThat(((InsiCallFailed) e).kind()).isEqualTo(InsiCallFailed.Kind.MALFORMED))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("CORSE").doesNotContain("180032B020401"));
        String logs = output.getAll();
        assertThat(logs).contains(a.messageId()); // the capture works: the call's line is there
        for (String secret : List.of("CORSE", "ANTHONY", "180032B020401", "1980-03-02")) {
            assertThat(logs).as(secret).doesNotContain(secret);
        }
    }
}
