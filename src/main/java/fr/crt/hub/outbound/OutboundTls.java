package fr.crt.hub.outbound;

import fr.crt.hub.pki.PkiProperties;
import fr.crt.hub.pki.PkiTls;
import fr.crt.hub.pki.TlsProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.springframework.stereotype.Component;

/**
 * TLS towards partners: the hub presents a client certificate of its PKI folder ({@code <certificate>.p12}, default
 * {@code hub-client}, renewed files picked up without restart), trusts the PKI's truststore, CRLs checked
 * (fr.crt.hub.pki), and speaks only what {@code hub.tls} allows (TLS 1.2 / 1.3, AEAD suites with forward secrecy), as
 * its own listeners do. The partner's certificate must name the host the connector gives.
 */
@Component
public class OutboundTls {

    private final PkiProperties pki;
    private final TlsProperties tls;
    private final Map<String, SSLContext> contexts = new ConcurrentHashMap<>();

    public OutboundTls(PkiProperties pki, TlsProperties tls) {
        this.pki = pki;
        this.tls = tls;
    }

    /**
     * The context presenting {@code certificate}. An IllegalStateException saying what is wrong (no such keystore, or
     * unreadable) when it cannot be made: the message then waits and is retried, never sent without TLS.
     */
    public SSLContext context(String certificate) {
        return contexts.computeIfAbsent(certificate, c -> {
            Path keystore = pki.dir().resolve(c + ".p12");
            if (!Files.isRegularFile(keystore)) {
                throw new IllegalStateException("client certificate " + c + ".p12 is not in the PKI folder (`pki init` issues"
                        + " hub-client.p12; `certificate:` of the connector names another one)");
            }
            try {
                return PkiTls.context(keystore, pki.dir(), pki.password().toCharArray());
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IllegalStateException("outbound TLS context for " + c + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * What a connection to a partner may negotiate: the protocols and cipher suites of {@code hub.tls} (those this JVM
     * supports), and the partner's certificate checked against the host name (endpoint identification).
     */
    public SSLParameters parameters(SSLContext ctx) {
        Set<String> supported = Set.of(ctx.getSupportedSSLParameters().getCipherSuites());
        SSLParameters p = new SSLParameters();
        p.setProtocols(tls.protocols().toArray(String[]::new));
        p.setCipherSuites(tls.cipherSuites().stream().filter(supported::contains).toArray(String[]::new));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }

    /**
     * Why a TLS connection to a partner failed, for the message store: whose certificate was refused, or the
     * handshake's own words (no message content can be in them).
     */
    static String reason(Throwable failure) {
        SSLException ssl = null;
        boolean certificate = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException s && ssl == null) ssl = s;
            if (t instanceof CertificateException) certificate = true;
        }
        String said = ssl == null ? failure.getClass().getSimpleName() : ssl.getMessage();
        if (said == null) said = failure.getClass().getSimpleName();
        if (certificate || said.contains("PKIX") || said.contains("subject alternative name")) {
            return "TLS: the partner's server certificate is not trusted (" + cut(said) + ")";
        }
        if (Arrays.asList("bad_certificate", "certificate_unknown", "certificate_required", "unknown_ca", "access_denied",
                "unsupported_certificate", "certificate_revoked", "certificate_expired").stream().anyMatch(said::contains)) {
            return "TLS: the partner refused the hub's client certificate (" + cut(said) + ")";
        }
        return "TLS handshake with the partner failed (" + cut(said) + ")";
    }

    private static String cut(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
