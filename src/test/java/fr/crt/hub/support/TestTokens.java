package fr.crt.hub.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The test identity provider: an RSA key whose public half WireMock serves as a JWKS (started once per JVM), and
 * tokens shaped like Pro Santé Connect's, like the CRT's structure users' and like partners' client credentials.
 */
public final class TestTokens {

    public static final String ISSUER = "https://psc.test.crt-hub.fr/auth/realms/esante-wallet";
    public static final String AUDIENCE = "crt-hub";
    public static final String KID = "test-key-1";

    private static final RSAKey KEY = generate(KID);
    /** Same kid, another key: a token signed with it has a wrong signature. */
    private static final RSAKey IMPOSTOR = generate(KID);
    private static WireMockServer server;

    private TestTokens() {}

    /** The JWKS URL (starts the WireMock server on first call). */
    public static synchronized String jwksUri() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort());
            server.start();
            server.stubFor(get(urlEqualTo("/certs")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                    .withBody(new JWKSet(KEY.toPublicJWK()).toString())));
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return "http://localhost:" + server.port() + "/certs";
    }

    /** A health professional as Pro Santé Connect describes one (UserInfo claim names). */
    public static Map<String, Object> professional(String rpps, String professionCode, String finess) {
        return Map.of(
                "sub", "f:" + rpps,
                "SubjectNameID", rpps,
                "SubjectRole", List.of(professionCode + "^1.2.250.1.213.1.1.5.5"),
                "SubjectRefPro", Map.of("exercices", List.of(Map.of(
                        "codeProfession", professionCode,
                        "codeCategorieProfessionnelle", "C",
                        "codeSavoirFaire", "",
                        "activities", List.of(Map.of("numeroFinessSite", finess, "codeModeExercice", "S"))))));
    }

    /** A user of a structure with a role from its directory. */
    public static Map<String, Object> structureUser(String sub, String role, String structure) {
        return Map.of("sub", sub, "crt_structure_role", role, "crt_structure", structure);
    }

    /** A partner system's client credentials token. */
    public static Map<String, Object> partner(String clientId) {
        return Map.of("sub", "service-account-" + clientId, "client_id", clientId, "azp", clientId);
    }

    public static String token(Map<String, Object> claims) {
        return sign(claims, ISSUER, AUDIENCE, Duration.ofMinutes(10), KEY);
    }

    public static String expired(Map<String, Object> claims) {
        return sign(claims, ISSUER, AUDIENCE, Duration.ofMinutes(-10), KEY);
    }

    public static String wrongIssuer(Map<String, Object> claims) {
        return sign(claims, "https://elsewhere.test/realms/x", AUDIENCE, Duration.ofMinutes(10), KEY);
    }

    public static String wrongAudience(Map<String, Object> claims) {
        return sign(claims, ISSUER, "another-service", Duration.ofMinutes(10), KEY);
    }

    public static String wrongSignature(Map<String, Object> claims) {
        return sign(claims, ISSUER, AUDIENCE, Duration.ofMinutes(10), IMPOSTOR);
    }

    static String sign(Map<String, Object> claims, String issuer, String audience, Duration validity, RSAKey key) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer).audience(audience)
                .issueTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plus(validity)))
                .jwtID(UUID.randomUUID().toString());
        claims.forEach(b::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), b.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
