package fr.crt.hub.pki;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key manager of a TLS listener, read from one PKCS#12 keystore of the PKI folder and read again when that file
 * changes (checked at each handshake), so a renewed server certificate is presented without restarting the hub. A
 * keystore that cannot be read (being replaced, wrong password) keeps the previous key in use.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final Logger log = LoggerFactory.getLogger(ReloadingKeyManager.class);

    private final Path file;
    private final char[] password;
    private volatile FileFingerprint seen;
    private volatile X509ExtendedKeyManager current;

    public ReloadingKeyManager(Path file, char[] password) {
        this.file = file;
        this.password = password.clone();
        reloadIfChanged();
        if (current == null) throw new IllegalStateException("cannot read keystore " + file);
    }

    X509ExtendedKeyManager current() {
        reloadIfChanged();
        return current;
    }

    synchronized void reloadIfChanged() {
        FileFingerprint now = FileFingerprint.of(List.of(file));
        if (now.equals(seen)) return;
        try {
            KeyStore ks = PkiFolder.load(file, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    if (current != null) log.info("TLS keystore {} changed: reloaded", file.getFileName());
                    current = x;
                    seen = now;
                    return;
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            log.error("TLS keystore {} cannot be read ({}); {}", file, e.getMessage(),
                    current == null ? "no key available" : "previous key kept");
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return current().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return current().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current().chooseEngineServerAlias(keyType, issuers, engine);
    }

    // Chain and key come from the manager the alias was chosen from (no re-check in the middle of a handshake).
    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.getPrivateKey(alias);
    }
}
