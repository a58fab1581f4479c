package fr.crt.hub.security;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The API chains' HTTP Basic check: the account is loaded and its status checked on every request, the bcrypt
 * comparison is skipped when {@link VerifiedPasswordCache} says the same password matched the same hash a moment
 * ago. A wrong password always goes through bcrypt (failures are never cached).
 */
class CachingPasswordAuthenticationProvider extends DaoAuthenticationProvider {

    private final VerifiedPasswordCache cache;

    CachingPasswordAuthenticationProvider(UserDetailsService users, PasswordEncoder encoder, VerifiedPasswordCache cache) {
        super(users);
        setPasswordEncoder(encoder);
        this.cache = cache;
    }

    @Override
    protected void additionalAuthenticationChecks(UserDetails user, UsernamePasswordAuthenticationToken authentication)
            throws AuthenticationException {
        Object credentials = authentication.getCredentials();
        if (credentials != null && user.getPassword() != null
                && cache.isVerified(user.getUsername(), user.getPassword(), credentials.toString())) {
            return;
        }
        super.additionalAuthenticationChecks(user, authentication);
        cache.remember(user.getUsername(), user.getPassword(), credentials.toString());
    }
}
