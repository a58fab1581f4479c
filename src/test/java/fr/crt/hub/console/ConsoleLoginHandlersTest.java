package fr.crt.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/** The login handlers: the idle timeout given to the session, failures counted for real accounts only. */
class ConsoleLoginHandlersTest {

    private JdbcTemplate jdbc;
    private LoginLockout lockout;
    private JdbcUserDetailsManager users;
    private final ConsoleProperties properties = new ConsoleProperties(Duration.ofMinutes(7), 2, Duration.ofMinutes(15), null, null);

    @BeforeEach
    void setUp() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:handlers-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(ds);
        jdbc.execute("CREATE TABLE users (username VARCHAR(50) PRIMARY KEY, password VARCHAR(500) NOT NULL, enabled BOOLEAN NOT NULL)");
        jdbc.execute("CREATE TABLE authorities (username VARCHAR(50) NOT NULL, authority VARCHAR(50) NOT NULL)");
        String v4 = new String(getClass().getResourceAsStream("/db/migration/h2/V4__console.sql").readAllBytes());
        jdbc.execute(v4.substring(v4.indexOf("CREATE TABLE console_login_failure"), v4.indexOf(");") + 2));
        users = new JdbcUserDetailsManager(ds);
        users.createUser(User.withUsername("op").password("{noop}x").roles("OPERATOR").build());
        lockout = new LoginLockout(jdbc, properties);
    }

    @Test
    void successGivesTheSessionTheConsoleTimeoutAndClearsFailures() throws Exception {
        lockout.failed("op");
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/console/login");
        MockHttpServletResponse response = new MockHttpServletResponse();
        new ConsoleSecurityConfig.SuccessHandler(lockout, properties).onAuthenticationSuccess(request, response,
                UsernamePasswordAuthenticationToken.authenticated("op", null, java.util.List.of()));
        assertThat(request.getSession().getMaxInactiveInterval()).isEqualTo(7 * 60);
        assertThat(response.getRedirectedUrl()).isEqualTo("/console");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_login_failure", Integer.class)).isZero();
    }

    @Test
    void failuresLockRealAccountsAndIgnoreUnknownNames() throws Exception {
        ConsoleSecurityConfig.FailureHandler handler = new ConsoleSecurityConfig.FailureHandler(lockout, users);
        for (String name : new String[] {"op", "nobody", "op"}) {
            MockHttpServletRequest request = new MockHttpServletRequest("POST", "/console/login");
            request.setParameter("username", name);
            MockHttpServletResponse response = new MockHttpServletResponse();
            handler.onAuthenticationFailure(request, response, new BadCredentialsException("bad"));
            if (name.equals("nobody")) assertThat(response.getRedirectedUrl()).isEqualTo("/console/login?error");
        }
        assertThat(lockout.lockedUntil("op")).isPresent();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_login_failure WHERE username = 'nobody'", Integer.class)).isZero();
    }
}
