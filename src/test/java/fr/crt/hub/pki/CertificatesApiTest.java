package fr.crt.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.HubTestBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * {@code GET /api/certificates}, the expiry metric and the "certificates" health on the shared test hub, whose PKI
 * folder ({@code <data-dir>/certs}) the hub built itself on start.
 */
class CertificatesApiTest extends HubTestBase {

    @Test
    void listsTheHubServerCertificateAndEveryConnectorsOne() {
        ResponseEntity<List<Map<String, Object>>> r = admin().exchange("/api/certificates", HttpMethod.GET, null,
                new ParameterizedTypeReference<>() {});

        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, Object> server = r.getBody().stream().filter(c -> "hub-server".equals(c.get("alias"))).findFirst()
                .orElseThrow(() -> new AssertionError("hub-server not listed: " + r.getBody()));
        assertThat(server).containsEntry("usedBy", "hub server").containsEntry("revoked", false)
                .containsKeys("subject", "issuer", "serial", "notBefore", "notAfter", "daysLeft");
        assertThat((String) server.get("issuer")).contains("CN=CRT Hub Dev Organisations CA");
        assertThat(((Number) server.get("daysLeft")).intValue()).isGreaterThan(1000);
        assertThat(r.getBody()).extracting(c -> c.get("usedBy"))
                .contains("chu-x-gam", "ehpad-les-tilleuls", "insi", "mssante", "CA", "trust");
    }

    @Test
    void needsCredentials() {
        assertThat(rest.getForEntity("/api/certificates", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    @SuppressWarnings("unchecked")
    void expiryIsAMetricAndAHealthComponent() {
        // (the Prometheus exporter is off in Spring Boot tests; /actuator/metrics reads the same meter)
        Map<String, Object> metric = getJson("/actuator/metrics/hub.certificate.expiry?tag=alias:hub-server");
        assertThat(metric).containsEntry("baseUnit", "seconds");
        List<Map<String, Object>> measurements = (List<Map<String, Object>>) metric.get("measurements");
        assertThat(((Number) measurements.get(0).get("value")).doubleValue()).isGreaterThan(86_400d * 1000);

        Map<String, Object> health = getJson("/actuator/health/certificates");
        assertThat(health).containsEntry("status", "UP");
    }
}
