package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.pki.TestPki;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.TestTokens;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Who may call /fhir: Pro Santé Connect-shaped tokens, structure users, partner client credentials and partner
 * certificates are accepted; expired, foreign, forged or incomplete tokens get 401 and no data; the hub's Basic
 * ADMIN stays unrestricted.
 */
class WhoIsAskingTest extends HubTestBase {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path)).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static final Map<String, Object> GP = TestTokens.professional("10001234567", "10", "170780001");

    @Test
    void validTokensOfEachShapeAreAccepted() throws Exception {
        HttpResponse<String> gp = get("/fhir/Patient", bearer(TestTokens.token(GP)));
        assertThat(gp.statusCode()).as(gp.headers().map() + " " + gp.body()).isEqualTo(200);
        assertThat(get("/fhir/Patient", bearer(TestTokens.token(
                TestTokens.structureUser("u-42", "home-help-worker", "SAAD-0001")))).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/Patient", bearer(TestTokens.token(TestTokens.partner("ehpad-les-tilleuls")))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void badTokensGet401AndNoData() throws Exception {
        Map<String, Object> noRole = new HashMap<>(GP);
        noRole.remove("SubjectRole");
        noRole.put("SubjectRefPro", Map.of());
        Map<String, Object> unknownProfession = new HashMap<>(GP);
        unknownProfession.put("SubjectRole", java.util.List.of("99^1.2.250.1.213.1.1.5.5"));
        unknownProfession.put("SubjectRefPro", Map.of());
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("expired", TestTokens.expired(GP));
        cases.put("wrong issuer", TestTokens.wrongIssuer(GP));
        cases.put("wrong audience", TestTokens.wrongAudience(GP));
        cases.put("wrong signature", TestTokens.wrongSignature(GP));
        cases.put("no profession", TestTokens.token(noRole));
        cases.put("profession not in matrix", TestTokens.token(unknownProfession));
        cases.put("structure user without structure", TestTokens.token(Map.of("sub", "u-1", "crt_structure_role", "coordinator")));
        cases.put("structure role not in matrix", TestTokens.token(TestTokens.structureUser("u-1", "gardener", "X")));
        cases.put("undeclared client", TestTokens.token(TestTokens.partner("nobody-declared-me")));
        cases.put("no identity claims", TestTokens.token(Map.of("sub", "someone")));
        cases.put("not a JWT", "abc.def.ghi");
        String tampered = TestTokens.token(GP);
        String[] parts = tampered.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"10^", "\"60^");
        cases.put("tampered payload", parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        for (Map.Entry<String, String> c : cases.entrySet()) {
            for (String path : new String[] {"/fhir/Patient", "/fhir/metadata"}) {
                HttpResponse<String> r = get(path, bearer(c.getValue()));
                assertThat(r.statusCode()).as(c.getKey() + " " + path).isEqualTo(401);
                assertThat(r.body()).as(c.getKey()).doesNotContain("resourceType");
            }
        }
        assertThat(get("/fhir/Patient", null).statusCode()).isEqualTo(401);
        assertThat(get("/fhir/Patient", "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes())).statusCode())
                .isEqualTo(401);
    }

    @Test
    void hubAdminStaysUnrestrictedAndOtherHubAccountsSeeNoHealthData() throws Exception {
        assertThat(admin().getForEntity("/fhir/Patient", String.class).getStatusCode().value()).isEqualTo(200);
        assertThat(admin().getForEntity("/fhir/AuditEvent", String.class).getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void aPartnerCertificateOnHttpsActsAsThatPartner() throws Exception {
        KeyStore trust = load(TestPki.truststore(pkiDir));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(TestPki.keystore(pkiDir, "connector-ehpad-les-tilleuls")), TestPki.PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> withCert = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + httpsPort + "/fhir/Patient")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withCert.statusCode()).isEqualTo(200);
        assertThat(withCert.body()).contains("\"Bundle\"");
        SSLContext noCert = SSLContext.getInstance("TLS");
        noCert.init(null, tmf.getTrustManagers(), null);
        HttpResponse<String> without = HttpClient.newBuilder().sslContext(noCert).build().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + httpsPort + "/fhir/Patient")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(without.statusCode()).isEqualTo(401);
    }

    private static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, TestPki.PASSWORD);
        }
        return ks;
    }
}
