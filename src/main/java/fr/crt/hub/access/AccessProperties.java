package fr.crt.hub.access;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may ask the FHIR API, and what they may see.
 *
 * @param matrix access matrix file (default {@code ./mappings/access-matrix.yaml}), re-read when it changes
 * @param oidc   the OpenID Connect issuer whose bearer tokens are accepted (Pro Santé Connect or the CRT's own
 *               identity provider for structure users and partner client credentials)
 * @param circleCacheTtl how long the caller's list of persons is kept per caller (default 5 s; a membership
 *               change made through the hub clears it at once)
 */
@ConfigurationProperties("hub.access")
public record AccessProperties(Path matrix, Oidc oidc, Duration circleCacheTtl) {

    public AccessProperties {
        if (matrix == null) matrix = Path.of("mappings", "access-matrix.yaml");
        if (oidc == null) oidc = new Oidc(null, null, null);
        if (circleCacheTtl == null) circleCacheTtl = Duration.ofSeconds(5);
    }

    /**
     * @param issuer   expected {@code iss}; bearer tokens are refused (401) when not set
     * @param jwksUri  where the issuer's signing keys are published (JWKS)
     * @param audience expected {@code aud} (the hub's client id at the issuer); not checked when blank
     */
    public record Oidc(String issuer, String jwksUri, String audience) {
        public boolean enabled() {
            return issuer != null && !issuer.isBlank() && jwksUri != null && !jwksUri.isBlank();
        }
    }
}
