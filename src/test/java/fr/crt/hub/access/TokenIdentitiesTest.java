package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.connector.ConnectorProperties;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.support.TestTokens;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/** Token checks (JWKS signature, issuer, audience, expiry) and claims → CareIdentity, without the hub. */
class TokenIdentitiesTest {

    static final AccessMatrix MATRIX = new AccessMatrix(AccessMatrixTest.FILE);
    static final ConnectorRegistry CONNECTORS = new ConnectorRegistry(new ConnectorProperties(Path.of("connectors")));

    static NimbusJwtDecoder decoder() {
        NimbusJwtDecoder d = NimbusJwtDecoder.withJwkSetUri(TestTokens.jwksUri()).build();
        d.setJwtValidator(FhirSecurityConfig.validator(new AccessProperties.Oidc(TestTokens.ISSUER, TestTokens.jwksUri(), TestTokens.AUDIENCE)));
        return d;
    }

    @Test
    void eachTokenShapeBecomesOneIdentity() {
        TokenIdentities ids = new TokenIdentities(MATRIX, CONNECTORS);
        NimbusJwtDecoder d = decoder();
        CareIdentity gp = ids.identity(d.decode(TestTokens.token(TestTokens.professional("10001234567", "10", "170780001"))));
        assertThat(gp).isEqualTo(new CareIdentity(CareIdentity.Kind.PROFESSIONAL, "10001234567", "10", "170780001", null));
        assertThat(gp.memberKeys()).containsExactly("rpps:10001234567", "structure:170780001");
        CareIdentity user = ids.identity(d.decode(TestTokens.token(TestTokens.structureUser("u-1", "home-help-worker", "SAAD-1"))));
        assertThat(user).isEqualTo(new CareIdentity(CareIdentity.Kind.STRUCTURE_USER, "u-1", "home-help-worker", "SAAD-1", null));
        CareIdentity partner = ids.identity(d.decode(TestTokens.token(TestTokens.partner("ehpad-les-tilleuls"))));
        assertThat(partner).isEqualTo(new CareIdentity(CareIdentity.Kind.PARTNER_SYSTEM, "ehpad-les-tilleuls", "ehpad", "170780001", null));
        // profession from SubjectRefPro when SubjectRole carries none of TRE_G15
        Jwt onlyRefPro = d.decode(TestTokens.token(Map.of("SubjectNameID", "1", "SubjectRole", List.of("X^1.2.3"),
                "SubjectRefPro", Map.of("exercices", List.of(Map.of("codeProfession", "60", "activities", List.of()))))));
        assertThat(ids.identity(onlyRefPro).role()).isEqualTo("60");
        assertThatThrownBy(() -> ids.identity(d.decode(TestTokens.token(Map.of("sub", "x")))))
                .isInstanceOf(InvalidBearerTokenException.class);
    }

    @Test
    void badTokensAreRefusedByTheDecoder() {
        Map<String, Object> gp = TestTokens.professional("10001234567", "10", "170780001");
        NimbusJwtDecoder d = decoder();
        for (String bad : List.of(TestTokens.expired(gp), TestTokens.wrongIssuer(gp), TestTokens.wrongAudience(gp),
                TestTokens.wrongSignature(gp))) {
            assertThatThrownBy(() -> d.decode(bad)).isInstanceOf(JwtException.class);
        }
    }
}
