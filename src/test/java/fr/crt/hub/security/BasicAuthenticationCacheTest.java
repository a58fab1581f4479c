package fr.crt.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.HubTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/** The bcrypt result cache of the API chains never outlives a password change, a disabled account or a wrong password. */
class BasicAuthenticationCacheTest extends HubTestBase {

    private static final String USER = "basic-cache-operator";

    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    PasswordEncoder encoder;

    private void createUser(String password, boolean enabled) {
        if (users.userExists(USER)) {
            users.deleteUser(USER);
        }
        users.createUser(User.withUsername(USER).password(encoder.encode(password)).roles("OPERATOR")
                .disabled(!enabled).build());
    }

    private HttpStatus statusAs(String password, String path) {
        return HttpStatus.valueOf(rest.withBasicAuth(USER, password).getForEntity(path, String.class).getStatusCode().value());
    }

    @Test
    void aPasswordChangeOrADisabledAccountTakesEffectAtOnce() {
        createUser("first-password-123", true);
        assertThat(statusAs("first-password-123", "/api/messages?size=1")).isEqualTo(HttpStatus.OK);
        assertThat(statusAs("first-password-123", "/fhir/metadata")).isEqualTo(HttpStatus.OK);
        assertThat(statusAs("wrong-password-123", "/api/messages?size=1")).isEqualTo(HttpStatus.UNAUTHORIZED);

        users.updateUser(User.withUsername(USER).password(encoder.encode("second-password-123")).roles("OPERATOR").build());
        assertThat(statusAs("first-password-123", "/api/messages?size=1")).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(statusAs("second-password-123", "/api/messages?size=1")).isEqualTo(HttpStatus.OK);

        users.updateUser(User.withUsername(USER).password(users.loadUserByUsername(USER).getPassword()).roles("OPERATOR")
                .disabled(true).build());
        assertThat(statusAs("second-password-123", "/api/messages?size=1")).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(statusAs("second-password-123", "/fhir/metadata")).isEqualTo(HttpStatus.UNAUTHORIZED);
        users.deleteUser(USER);
    }
}
