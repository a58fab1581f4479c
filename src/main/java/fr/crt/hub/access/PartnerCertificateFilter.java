package fr.crt.hub.access;

import fr.crt.hub.connector.ClientCertificate;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A partner's system calling the FHIR API over the HTTPS listener with its client certificate (already checked
 * by Tomcat: chains to the truststore, not revoked) and no Authorization header becomes that partner, when a
 * connector file declares the certificate ({@link Connector#presents}). A certificate no connector declares
 * authenticates nobody (401 follows).
 */
class PartnerCertificateFilter extends OncePerRequestFilter {

    private final ConnectorRegistry connectors;
    private final AccessMatrix matrix;

    PartnerCertificateFilter(ConnectorRegistry connectors, AccessMatrix matrix) {
        this.connectors = connectors;
        this.matrix = matrix;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(HttpHeaders.AUTHORIZATION) == null
                && request.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] certs
                && certs.length > 0) {
            X509Certificate leaf = certs[0];
            ClientCertificate presented = new ClientCertificate(leaf.getSubjectX500Principal().toString(),
                    leaf.getIssuerX500Principal().toString(), leaf.getSerialNumber());
            Optional<Connector> partner = connectors.byCertificate(presented);
            if (partner.isPresent() && matrix.isRole(partner.get().kind())) {
                Connector c = partner.get();
                CareIdentity id = new CareIdentity(CareIdentity.Kind.PARTNER_SYSTEM, c.id(), c.kind(),
                        c.organisation() == null ? null : c.organisation().finess(), null);
                var context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(new CareAuthentication(id, presented));
                SecurityContextHolder.setContext(context);
            }
        }
        chain.doFilter(request, response);
    }
}
