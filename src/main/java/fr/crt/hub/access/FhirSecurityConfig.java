package fr.crt.hub.access;

import fr.crt.hub.connector.ConnectorRegistry;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Who may call {@code /fhir/**}: its own filter chain, ahead of the hub's API chain. Accepted: bearer tokens of
 * the configured OIDC issuer (signature by the issuer's JWKS, issuer, audience, expiry; then claims, see
 * {@link TokenIdentities}), partner client certificates on the HTTPS listener ({@link PartnerCertificateFilter}),
 * and the hub's HTTP-Basic accounts. Anything else: 401, no data. The same chain guards the partners' TDDUI intake
 * ({@code POST /tddui}, {@link fr.crt.hub.tddui.TdduiController}). What each caller then sees is decided inside
 * HAPI ({@link FhirAccessConfig}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccessProperties.class)
public class FhirSecurityConfig {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 20)
    SecurityFilterChain fhirSecurity(HttpSecurity http, AccessProperties props, TokenIdentities identities,
                                     ConnectorRegistry connectors, AccessMatrix matrix,
                                     fr.crt.hub.fhir.FhirProperties fhir) throws Exception {
        String base = fhir.path().replaceAll("/\\*+$", ""); // hub.fhir.path, e.g. /fhir/* -> /fhir
        // A plain path test: "/fhir/**" given as a String would be read as a Spring MVC pattern of the dispatcher
        // servlet, which never sees HAPI's servlet requests.
        http.securityMatcher(request -> {
                    String path = request.getRequestURI().substring(request.getContextPath().length());
                    return path.equals(base) || path.startsWith(base + "/")
                            || path.equals(fr.crt.hub.tddui.TdduiController.PATH); // partners' TDDUI intake, same callers
                })
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .addFilterBefore(new PartnerCertificateFilter(connectors, matrix), BasicAuthenticationFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Stateless API (Basic, bearer or certificate on every request): no cookie session to forge requests against.
                .csrf(csrf -> csrf.disable());
        if (props.oidc().enabled()) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(props.oidc().jwksUri())
                    .jwsAlgorithms(algs -> algs.addAll(List.of(
                            org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256,
                            org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES256)))
                    .build();
            decoder.setJwtValidator(validator(props.oidc()));
            http.oauth2ResourceServer(rs -> rs.jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(identities)));
        }
        return http.build();
    }

    static OAuth2TokenValidator<Jwt> validator(AccessProperties.Oidc oidc) {
        OAuth2TokenValidator<Jwt> base = JwtValidators.createDefaultWithIssuer(oidc.issuer());
        if (oidc.audience() == null || oidc.audience().isBlank()) return base;
        return new DelegatingOAuth2TokenValidator<>(base,
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(oidc.audience())));
    }

}
