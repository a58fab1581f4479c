package fr.crt.hub.outbound;

import fr.crt.hub.pki.PkiProperties;
import fr.crt.hub.pki.ReloadingKeyManager;
import fr.crt.hub.pki.RevocationCheckingTrustManager;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.springframework.stereotype.Component;

/**
 * TLS towards partners: the hub presents a client certificate of its PKI folder ({@code <certificate>.p12}, renewed
 * files picked up without restart) and trusts the PKI's truststore, CRLs checked (fr.crt.hub.pki).
 */
@Component
public class OutboundTls {

    private final PkiProperties pki;
    private final Map<String, SSLContext> contexts = new ConcurrentHashMap<>();

    public OutboundTls(PkiProperties pki) {
        this.pki = pki;
    }

    public SSLContext context(String certificate) {
        return contexts.computeIfAbsent(certificate, c -> {
            try {
                char[] password = pki.password().toCharArray();
                KeyManager keys = new ReloadingKeyManager(pki.dir().resolve(c + ".p12"), password);
                TrustManager trust = new RevocationCheckingTrustManager(pki.dir(), password);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
                return ctx;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("outbound TLS context for " + c + ": " + e.getMessage(), e);
            }
        });
    }
}
