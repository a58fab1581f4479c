package fr.crt.hub.pki;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks partners' client certificates at the TLS handshake: PKIX path to a CA of the truststore, validity dates,
 * and revocation against the CRLs of the PKI folder ({@code *.crl.pem}) only, never OCSP or the network (the
 * {@link PKIXRevocationChecker} has {@code PREFER_CRLS} and {@code NO_FALLBACK}; a CA whose CRL is missing or
 * outdated makes its certificates fail, rather than pass unchecked). The truststore and CRLs are read again when a
 * file changes (checked at each handshake): a certificate revoked with {@code pki revoke} is refused from the next
 * connection on, without restart.
 */
public final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {

    private static final Logger log = LoggerFactory.getLogger(RevocationCheckingTrustManager.class);

    private final Path dir;
    private final Path truststore;
    private final char[] password;
    private volatile FileFingerprint seen;
    private volatile X509ExtendedTrustManager current;

    public RevocationCheckingTrustManager(Path dir, char[] password) {
        this.dir = dir;
        this.truststore = dir.resolve(PkiFolder.TRUSTSTORE + PkiFolder.P12);
        this.password = password.clone();
        reloadIfChanged();
        if (current == null) throw new IllegalStateException("cannot read truststore and CRLs in " + dir);
    }

    private List<Path> watched() {
        List<Path> files = new ArrayList<>();
        files.add(truststore);
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> p.getFileName().toString().endsWith(PkiFolder.CRL_SUFFIX)).sorted().forEach(files::add);
        } catch (IOException e) {
            // folder unreadable: the fingerprint shows it through the truststore
        }
        return files;
    }

    X509ExtendedTrustManager current() {
        reloadIfChanged();
        return current;
    }

    synchronized void reloadIfChanged() {
        FileFingerprint now = FileFingerprint.of(watched());
        if (now.equals(seen)) return;
        try {
            KeyStore trusted = PkiFolder.load(truststore, password);
            List<X509CRL> crls = new PkiFolder(dir, password).readCrls();
            PKIXBuilderParameters params = new PKIXBuilderParameters(trusted, new X509CertSelector());
            params.setRevocationEnabled(true);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            PKIXRevocationChecker revocation = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
            revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                    PKIXRevocationChecker.Option.NO_FALLBACK));
            params.addCertPathChecker(revocation);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(new CertPathTrustManagerParameters(params));
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    if (current != null) log.info("TLS truststore or CRLs changed in {}: reloaded ({} CRLs)", dir, crls.size());
                    current = x;
                    seen = now;
                    return;
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            log.error("TLS truststore/CRLs in {} cannot be read ({}); {}", dir, e.getMessage(),
                    current == null ? "every client will be refused" : "previous ones kept");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return current().getAcceptedIssuers();
    }
}
