package fr.crt.hub.console;

import static fr.crt.hub.security.SecurityConfig.ADMIN;
import static fr.crt.hub.security.SecurityConfig.AUDITOR;
import static fr.crt.hub.security.SecurityConfig.OPERATOR;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * The console's own filter chain, ordered before the stateless HTTP-Basic chain of {@code security.SecurityConfig}
 * (which keeps {@code /api}, {@code /fhir}, {@code /actuator}): form login with a session that ends after
 * {@code hub.console.session-timeout} idle, CSRF tokens on every change (htmx sends the token header), logout, and
 * the lockout of {@link LoginLockout}. Roles: ADMIN everything; OPERATOR messages, repair and routes, retention and
 * alerts read only (no purge), not users nor the audit trail; AUDITOR the audit trail only.
 */
@Configuration
public class ConsoleSecurityConfig {

    static final String LOGIN = "/console/login";

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, JdbcUserDetailsManager users, PasswordEncoder encoder,
                                        LoginLockout lockout, ConsoleProperties properties) throws Exception {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(encoder);
        AccountStatusUserDetailsChecker accountStatus = new AccountStatusUserDetailsChecker();
        // Checked before the password: a locked account stays locked even for the right password.
        provider.setPreAuthenticationChecks(user -> {
            accountStatus.check(user);
            if (lockout.lockedUntil(user.getUsername()).isPresent()) throw new LockedException("locked");
        });
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(new OrRequestMatcher(paths.matcher("/console"), paths.matcher("/console/**"),
                        paths.matcher("/webjars/**"), ConsoleSecurityConfig::consoleError))
                .authenticationManager(new ProviderManager(provider))
                .authorizeHttpRequests(auth -> auth
                        // the error page of a console request (404, 405...): rendered, not turned into a 401 by the API chain
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(LOGIN, "/console/assets/**", "/webjars/**").permitAll()
                        .requestMatchers("/console/users/**", "/console/retention/purge").hasRole(ADMIN)
                        .requestMatchers("/console/audit/**").hasAnyRole(ADMIN, AUDITOR)
                        .requestMatchers("/console", "/console/", "/console/denied").authenticated()
                        .anyRequest().hasAnyRole(ADMIN, OPERATOR))
                .formLogin(form -> form.loginPage(LOGIN).loginProcessingUrl(LOGIN)
                        .successHandler(new SuccessHandler(lockout, properties))
                        .failureHandler(new FailureHandler(lockout, users)))
                .logout(out -> out.logoutUrl("/console/logout").logoutSuccessUrl(LOGIN + "?logout")
                        .deleteCookies("JSESSIONID"))
                .exceptionHandling(ex -> ex.accessDeniedPage("/console/denied"))
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; script-src 'self';"
                        + " style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")));
        return http.build();
    }

    /** The error dispatch of a console request: it keeps the console's session instead of the API chain's Basic. */
    static boolean consoleError(HttpServletRequest request) {
        return request.getDispatcherType() == DispatcherType.ERROR
                && request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri
                && uri.startsWith(request.getContextPath() + "/console");
    }

    /** Clears the failure count and gives the session the console's idle timeout. */
    static final class SuccessHandler extends SavedRequestAwareAuthenticationSuccessHandler {
        private final LoginLockout lockout;
        private final ConsoleProperties properties;

        SuccessHandler(LoginLockout lockout, ConsoleProperties properties) {
            this.lockout = lockout;
            this.properties = properties;
            setDefaultTargetUrl("/console");
        }

        @Override
        public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication auth)
                throws IOException, jakarta.servlet.ServletException {
            lockout.reset(auth.getName());
            request.getSession().setMaxInactiveInterval((int) properties.sessionTimeout().toSeconds());
            super.onAuthenticationSuccess(request, response, auth);
        }
    }

    /** Counts a bad password against an existing account; says "locked" when it is, nothing more otherwise. */
    static final class FailureHandler implements AuthenticationFailureHandler {
        private final LoginLockout lockout;
        private final JdbcUserDetailsManager users;

        FailureHandler(LoginLockout lockout, JdbcUserDetailsManager users) {
            this.lockout = lockout;
            this.users = users;
        }

        @Override
        public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                            AuthenticationException e) throws IOException {
            String username = request.getParameter("username");
            if (e instanceof BadCredentialsException && username != null && users.userExists(username)) {
                lockout.failed(username);
            }
            boolean locked = e instanceof LockedException || lockout.lockedUntil(username).isPresent();
            response.sendRedirect(request.getContextPath() + LOGIN + (locked ? "?locked" : "?error"));
        }
    }
}
