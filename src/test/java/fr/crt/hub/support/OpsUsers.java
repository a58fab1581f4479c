package fr.crt.hub.support;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/** An operator and an auditor in the shared test hub (created once), for role checks on the operations API. */
public final class OpsUsers {

    public static final String OPERATOR = "ops-operator";
    public static final String AUDITOR = "ops-auditor";
    public static final String PASSWORD = "ops-test-password";

    private OpsUsers() {}

    public static synchronized void ensure(JdbcUserDetailsManager users, PasswordEncoder encoder) {
        if (!users.userExists(OPERATOR)) {
            users.createUser(User.withUsername(OPERATOR).password(encoder.encode(PASSWORD)).roles("OPERATOR").build());
        }
        if (!users.userExists(AUDITOR)) {
            users.createUser(User.withUsername(AUDITOR).password(encoder.encode(PASSWORD)).roles("AUDITOR").build());
        }
    }
}
