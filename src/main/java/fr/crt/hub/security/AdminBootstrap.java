package fr.crt.hub.security;

import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;
import org.springframework.stereotype.Component;

/**
 * Creates the initial {@code admin} account on first start: password from {@code hub.admin.initial-password}
 * ({@code HUB_ADMIN_INITIALPASSWORD}) or generated and printed once. Later starts never change it.
 */
@Component
@Order(0)
public class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private final JdbcUserDetailsManager users;
    private final PasswordEncoder encoder;
    private final String initialPassword;

    public AdminBootstrap(JdbcUserDetailsManager users, PasswordEncoder encoder,
                          @Value("${hub.admin.initial-password:}") String initialPassword) {
        this.users = users;
        this.encoder = encoder;
        this.initialPassword = initialPassword;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (users.userExists("admin")) return;
        String password = initialPassword;
        boolean generated = password == null || password.isBlank();
        if (generated) {
            byte[] bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        users.createUser(User.withUsername("admin").password(encoder.encode(password))
                .roles(SecurityConfig.ADMIN).build());
        if (generated) {
            // Printed once, on the console only: it is the only time the clear password exists.
            System.out.println("\n=== CRT Hub: initial administrator account created ===\n"
                    + "    user: admin\n    password: " + password
                    + "\n    (set hub.admin.initial-password to choose it; change it after first login)\n");
        } else {
            log.info("Initial administrator account 'admin' created from hub.admin.initial-password");
        }
    }
}
