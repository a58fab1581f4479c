package fr.crt.hub.insi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import fr.crt.hub.insi.InsiCallFailed.Kind;
import fr.crt.hub.support.InsiWireMock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client does when INSi gives no usable answer, with the exact number of requests WireMock received:
 * SOAP faults (both fixtures) and malformed bodies are not retried; HTML 502 and connection resets are retried up to
 * the configured attempts; read timeouts are not retried; the breaker opens after N failed requests and then no
 * request reaches WireMock; the hourly quota refuses calls without sending them.
 */
class InsiFailuresAndResilienceTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void reset() {
        InsiWireMock.reset();
    }

    private static InsiCallFailed failure(ThrowingCallable call) {
        try {
            call.call();
        } catch (InsiCallFailed f) {
            return f;
        } catch (Throwable t) {
            throw new AssertionError("expected InsiCallFailed, got " + t, t);
        }
        throw new AssertionError("expected InsiCallFailed, the call succeeded");
    }

    private double count(String outcome) {
        var c = meters.find(CxfInsiClient.METRIC_CALLS).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void temporarilyUnavailableFaultIsRetryLaterAndNotRetriedNow() throws Exception {
        InsiWireMock.answerWithFault("insi/extracted-from-fixtures/response_SOAPFault_siram_40_insi_102.xml");
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 5, 0, 5000), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.SOAP_FAULT);
            assertThat(f.faultCode()).isEqualTo("siram_40/insi_102");
            assertThat(f.retryLater()).isTrue();
            assertThat(f.messageId()).startsWith("uuid:");
            assertThat(InsiWireMock.requests()).hasSize(1);
            assertThat(count("fault")).isEqualTo(1);
        }
    }

    @Test
    void refusedSoftwareFaultIsFinal() throws Exception {
        InsiWireMock.answerWithFault("insi/extracted-from-fixtures/response_SOAPFault_siram_100_desir_550.xml");
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 5, 0, 5000), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.SOAP_FAULT);
            assertThat(f.faultCode()).isEqualTo("siram_100/desir_550");
            assertThat(f.retryLater()).isFalse();
            assertThat(InsiWireMock.requests()).hasSize(1);
        }
    }

    @Test
    void malformedBodyIsNotRetried() throws Exception {
        InsiWireMock.answer(aResponse().withStatus(200).withHeader("Content-Type", "application/soap+xml")
                .withBody("<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body><RESULTAT"));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 5, 0, 5000), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.MALFORMED);
            assertThat(f.retryLater()).isFalse();
            assertThat(f.getCause()).isNull();
            assertThat(InsiWireMock.requests()).hasSize(1);
            assertThat(count("malformed")).isEqualTo(1);
        }
    }

    /** Hostile XML: a DOCTYPE with an external entity is refused (no DTD processing), not resolved. */
    @Test
    void externalEntityInAnswerIsMalformedAndNotResolved() throws Exception {
        String body = new String(fr.crt.hub.support.Samples.bytes("insi/responses/REP_CR01_aucune_identite.xml"),
                StandardCharsets.UTF_8)
                .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>")
                .replace("Aucune identite trouvee", "&x;");
        InsiWireMock.answer(aResponse().withStatus(200).withHeader("Content-Type", "application/soap+xml").withBody(body));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 5, 0, 5000), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.MALFORMED);
            assertThat(InsiWireMock.requests()).hasSize(1);
        }
    }

    @Test
    void wellFormedButUnknownCrIsMalformed() throws Exception {
        String body = new String(fr.crt.hub.support.Samples.bytes("insi/responses/REP_CR01_aucune_identite.xml"),
                StandardCharsets.UTF_8).replace("<CodeCR>01</CodeCR>", "<CodeCR>99</CodeCR>");
        InsiWireMock.answer(aResponse().withStatus(200).withHeader("Content-Type", "application/soap+xml").withBody(body));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 5, 0, 5000), meters)) {
            assertThat(failure(() -> client.searchByTraits(InsiTestClients.ECETINSI)).kind()).isEqualTo(Kind.MALFORMED);
            assertThat(InsiWireMock.requests()).hasSize(1);
        }
    }

    @Test
    void htmlBadGatewayIsRetriedThreeTimesInAll() throws Exception {
        InsiWireMock.answer(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                .withBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 10, 0, 5000), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(f.retryLater()).isTrue();
            assertThat(f.getMessage()).contains("502");
            assertThat(InsiWireMock.requests()).hasSize(3);
            assertThat(count("transport")).isEqualTo(1);
        }
    }

    @Test
    void html500WithoutSoapBodyIsATransportErrorAndRetried() throws Exception {
        InsiWireMock.answer(aResponse().withStatus(500).withHeader("Content-Type", "text/html")
                .withBody("<html><body>Internal Server Error</body></html>"));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(2, 10, 0, 5000), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(f.retryLater()).isTrue();
            assertThat(InsiWireMock.requests()).hasSize(2);
        }
    }

    @Test
    void connectionResetIsRetriedThreeTimesInAll() throws Exception {
        InsiWireMock.answer(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 10, 0, 5000), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(f.retryLater()).isTrue();
            assertThat(InsiWireMock.requests()).hasSize(3);
        }
    }

    @Test
    void resetThenAnswerSucceedsOnSecondRequest() throws Exception {
        InsiWireMock.stub(com.github.tomakehurst.wiremock.client.WireMock.post(InsiWireMock.PATH)
                .inScenario("flaky").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("up"));
        InsiWireMock.stub(com.github.tomakehurst.wiremock.client.WireMock.post(InsiWireMock.PATH)
                .inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(InsiWireMock.soap("insi/responses/REP_CR01_aucune_identite.xml", 200)));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 10, 0, 5000), meters)) {
            InsiAnswer a = client.searchByTraits(InsiTestClients.ECETINSI);
            assertThat(a.code()).isEqualTo("01");
            assertThat(InsiWireMock.requests()).hasSize(2);
            // each request had its own MessageID; the answer names the one that was answered
            assertThat(InsiWireMock.requests().get(1).getBodyAsString()).contains(a.messageId());
            assertThat(InsiWireMock.requests().get(0).getBodyAsString()).doesNotContain(a.messageId());
        }
    }

    @Test
    void readTimeoutIsNotRetried() throws Exception {
        InsiWireMock.answer(InsiWireMock.soap("insi/responses/REP_CR01_aucune_identite.xml", 200).withFixedDelay(1500));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 10, 0, 300), meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(f.retryLater()).isTrue();
            assertThat(InsiWireMock.requests()).hasSize(1);
            assertThat(count("timeout")).isEqualTo(1);
        }
    }

    @Test
    void breakerOpensAfterThreeFailedRequestsThenNothingIsSent() throws Exception {
        InsiWireMock.answer(aResponse().withStatus(502).withHeader("Content-Type", "text/html").withBody("<html/>"));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(1, 3, 0, 5000), meters)) {
            for (int i = 0; i < 3; i++) {
                assertThat(failure(() -> client.searchByTraits(InsiTestClients.ECETINSI)).kind()).isEqualTo(Kind.TRANSPORT);
            }
            assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(InsiWireMock.requests()).hasSize(3);
            InsiWireMock.reset();
            InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml"); // INSi back, breaker still open
            for (int i = 0; i < 5; i++) {
                InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
                assertThat(f.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
                assertThat(f.retryLater()).isTrue();
            }
            assertThat(InsiWireMock.requests()).isEmpty();
            assertThat(count("circuit_open")).isEqualTo(5);
        }
    }

    @Test
    void openBreakerLetsOneTrialThroughAfterItsWaitAndClosesOnSuccess() throws Exception {
        InsiWireMock.answer(aResponse().withStatus(503).withHeader("Content-Type", "text/html").withBody("<html/>"));
        InsiEndpoint e = InsiTestClients.endpoint(1, 2, 0, 5000);
        e = new InsiEndpoint(e.id(), e.kind(), e.displayName(), e.url(), e.certificate(), e.truststore(), e.emitter(),
                e.software(), e.timeouts(), e.retry(), new InsiEndpoint.Breaker(2, 1), e.rateLimitPerHour());
        try (CxfInsiClient client = InsiTestClients.client(e, meters)) {
            for (int i = 0; i < 2; i++) failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            InsiWireMock.reset();
            InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> "01".equals(client.searchByTraits(InsiTestClients.ECETINSI).code()));
            assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(InsiWireMock.requests()).hasSize(1); // the trial; every earlier poll failed fast
        }
    }

    @Test
    void retriesCountTowardsTheBreaker() throws Exception {
        InsiWireMock.answer(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(3, 3, 0, 5000), meters)) {
            assertThat(failure(() -> client.searchByTraits(InsiTestClients.ECETINSI)).kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(InsiWireMock.requests()).hasSize(3);
            assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(failure(() -> client.searchByTraits(InsiTestClients.ECETINSI)).kind()).isEqualTo(Kind.CIRCUIT_OPEN);
            assertThat(InsiWireMock.requests()).hasSize(3);
        }
    }

    @Test
    void answersAndFinalFaultsKeepTheBreakerClosed() throws Exception {
        InsiWireMock.answerWithFault("insi/extracted-from-fixtures/response_SOAPFault_siram_100_desir_550.xml");
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(1, 2, 0, 5000), meters)) {
            for (int i = 0; i < 4; i++) {
                assertThat(failure(() -> client.searchByTraits(InsiTestClients.ECETINSI)).kind()).isEqualTo(Kind.SOAP_FAULT);
            }
            assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(InsiWireMock.requests()).hasSize(4);
        }
    }

    @Test
    void hourlyQuotaRefusesWithoutSending() throws Exception {
        InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml");
        try (CxfInsiClient client = InsiTestClients.client(InsiTestClients.endpoint(1, 5, 3, 5000), meters)) {
            for (int i = 0; i < 3; i++) assertThat(client.searchByTraits(InsiTestClients.ECETINSI).code()).isEqualTo("01");
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(f.retryLater()).isTrue();
            assertThat(f.messageId()).isNull();
            assertThat(InsiWireMock.requests()).hasSize(3);
            assertThat(count("rate_limited")).isEqualTo(1);
            assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void unreachableInsiIsATransportFailure() throws Exception {
        int closed = fr.crt.hub.support.HubTestCommon.freePort();
        InsiEndpoint e = InsiTestClients.endpoint(2, 10, 0, 1000).withUrl("https://127.0.0.1:" + closed + "/lps");
        try (CxfInsiClient client = InsiTestClients.client(e, meters)) {
            InsiCallFailed f = failure(() -> client.searchByTraits(InsiTestClients.ECETINSI));
            assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(f.retryLater()).isTrue();
        }
    }
}
