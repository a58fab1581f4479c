package fr.crt.hub.pki;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of one entity of the PKI folder, either side of a connection: it presents {@code keystore} (re-read
 * when the file is renewed, {@link ReloadingKeyManager}) and trusts what the folder's truststore and CRLs trust
 * ({@link RevocationCheckingTrustManager}).
 */
public final class PkiTls {

    private PkiTls() {}

    public static SSLContext context(Path keystore, Path pkiDir, char[] password) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {new ReloadingKeyManager(keystore, password)},
                new TrustManager[] {new RevocationCheckingTrustManager(pkiDir, password)}, null);
        return ctx;
    }
}
