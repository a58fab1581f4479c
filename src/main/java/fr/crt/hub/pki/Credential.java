package fr.crt.hub.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A private key with its certificate chain (entity first, root last): what one PKCS#12 keystore holds, and
 * what a TLS endpoint presents.
 */
record Credential(PrivateKey key, X509Certificate[] chain) {
    X509Certificate certificate() {
        return chain[0];
    }
}
