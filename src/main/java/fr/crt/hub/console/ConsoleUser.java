package fr.crt.hub.console;

import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;

/** The signed-in console user, as the audit trail names them. */
final class ConsoleUser {

    private ConsoleUser() {}

    static String roles(Authentication auth) {
        return auth.getAuthorities().stream().map(a -> a.getAuthority().replaceFirst("^ROLE_", "")).sorted()
                .collect(Collectors.joining(","));
    }
}
