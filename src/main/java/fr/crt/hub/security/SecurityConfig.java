package fr.crt.hub.security;

import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * No anonymous access anywhere but the liveness probe. API clients (FHIR, /api, Prometheus) use HTTP Basic
 * against the hub's user table; passwords are bcrypt hashes.
 */
@Configuration
public class SecurityConfig {

    public static final String ADMIN = "ADMIN";
    public static final String OPERATOR = "OPERATOR";
    public static final String AUDITOR = "AUDITOR";

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health/liveness").permitAll()
                        // operations back end (search, retention, alerts, audit viewer): see fr.crt.hub.search/retention/alerts/audit
                        .requestMatchers(HttpMethod.POST, "/api/messages/search").hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers("/api/retention/purge").hasRole(ADMIN)
                        .requestMatchers("/api/retention/**", "/api/alerts/**").hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers("/api/audit-events/**").hasAnyRole(ADMIN, AUDITOR)
                        .requestMatchers(HttpMethod.POST, "/api/messages/**").hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers("/api/replays/**").hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers(HttpMethod.POST, "/api/identities/**", "/api/identity-tasks/**")
                        .hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers(HttpMethod.POST, "/api/care-teams/**").hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers(HttpMethod.POST, "/api/mssante/**").hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers("/api/outbound/**").hasAnyRole(ADMIN, OPERATOR)
                        .requestMatchers("/api/**", "/actuator/**").hasAnyRole(ADMIN, OPERATOR, AUDITOR)
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Stateless Basic-auth API: no cookie session to forge requests against.
                .csrf(csrf -> csrf.ignoringRequestMatchers("/api/**", "/actuator/**"));
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    /**
     * HTTP Basic for every API chain (/api, /fhir, /actuator): bcrypt once per account and password per
     * {@code hub.security.basic-cache-ttl} (default 5 min; 0 turns the cache off). The console keeps its own provider.
     */
    @Bean
    AuthenticationProvider basicAuthenticationProvider(JdbcUserDetailsManager users, PasswordEncoder encoder,
            @Value("${hub.security.basic-cache-ttl:PT5M}") Duration ttl) {
        if (ttl.isZero()) {
            DaoAuthenticationProvider plain = new DaoAuthenticationProvider(users);
            plain.setPasswordEncoder(encoder);
            return plain;
        }
        return new CachingPasswordAuthenticationProvider(users, encoder,
                new VerifiedPasswordCache(ttl, 10_000, Clock.systemUTC()));
    }

    @Bean
    JdbcUserDetailsManager userDetailsManager(DataSource dataSource) {
        return new JdbcUserDetailsManager(dataSource);
    }
}
