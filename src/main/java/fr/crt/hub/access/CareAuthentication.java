package fr.crt.hub.access;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A caller authenticated by token or certificate, carried through Spring Security to the FHIR interceptors. */
public class CareAuthentication extends AbstractAuthenticationToken {

    public static final String AUTHORITY = "ROLE_CARE";

    private final CareIdentity identity;
    private final Object credentials;

    public CareAuthentication(CareIdentity identity, Object credentials) {
        super(List.of(new SimpleGrantedAuthority(AUTHORITY)));
        this.identity = identity;
        this.credentials = credentials;
        setAuthenticated(true);
    }

    public CareIdentity identity() {
        return identity;
    }

    @Override
    public Object getCredentials() {
        return credentials;
    }

    @Override
    public Object getPrincipal() {
        return identity.who();
    }

    @Override
    public String getName() {
        return identity.who();
    }
}
