package fr.crt.hub.tddui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.console.RouteActivity;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.camel.CamelContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code POST /tddui} goes through {@code routes/tddui-inbound.yaml}: the route counts each post, an exception of the
 * intake reaches the caller as thrown, and a route stopped from the console answers 503 with nothing stored.
 * (What the intake answers is TdduiIntakeTest's.)
 */
class TdduiInboundRouteTest extends HubTestBase {

    static final String ROUTE = "tddui-inbound";

    @Autowired RouteActivity activity;
    @Autowired CamelContext camel;
    @Autowired TdduiInboundRoute route;
    @Autowired JdbcTemplate jdbc;

    HttpResponse<String> post(byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/tddui"))
                .header("Authorization", "Bearer " + TestTokens.token(TestTokens.partner(TdduiIntakeTest.SSIAD)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return TdduiIntakeTest.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] ime() {
        return TdduiIntakeTest.freshIme(TdduiIntakeTest.newLocalId()).getBytes(StandardCharsets.UTF_8);
    }

    long countTddui() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE transport = 'tddui'", Long.class);
    }

    @Test
    void eachPostIsAnExchangeOfTheRoute() throws Exception {
        long before = activity.of(ROUTE).total();
        HttpResponse<String> applied = post(ime(), "application/fhir+json");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        // no Content-Type: the route passes none and the intake sniffs the body, as before the route
        HttpResponse<String> untyped = post(ime(), null);
        assertThat(untyped.statusCode()).as(untyped.body()).isEqualTo(200);
        HttpResponse<String> unreadable = post("{".getBytes(StandardCharsets.UTF_8), "application/fhir+json");
        assertThat(unreadable.statusCode()).isEqualTo(400);
        assertThat(activity.of(ROUTE).total()).isEqualTo(before + 3);
    }

    @Test
    void anExceptionOfTheIntakeComesBackAsThrown() {
        long failedBefore = activity.of(ROUTE).failed();
        // no partner: the intake cannot record the message and throws; Camel must neither handle nor wrap it
        assertThatThrownBy(() -> route.receive(null, ime(), "application/fhir+json"))
                .isExactlyInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> route.tooLarge(null, 11, 10)).isExactlyInstanceOf(NullPointerException.class);
        assertThat(activity.of(ROUTE).failed()).isEqualTo(failedBefore + 2);
    }

    @Test
    void aStoppedRouteAnswers503AndStoresNothing() throws Exception {
        long before = countTddui();
        camel.getRouteController().stopRoute(ROUTE);
        try {
            HttpResponse<String> r = post(ime(), "application/fhir+json");
            assertThat(r.statusCode()).isEqualTo(503);
            OperationOutcome oo = TdduiIntakeTest.CTX.newJsonParser().parseResource(OperationOutcome.class, r.body());
            assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TRANSIENT);
            assertThat(r.headers().firstValue("X-Hub-Message-Id")).isEmpty();
            assertThat(countTddui()).isEqualTo(before);
        } finally {
            camel.getRouteController().startRoute(ROUTE);
        }
        assertThat(post(ime(), "application/fhir+json").statusCode()).isEqualTo(200);
    }
}
