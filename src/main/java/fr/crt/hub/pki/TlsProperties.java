package fr.crt.hub.pki;

import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * TLS policy of the hub's listeners and of its connections to partners (outbound MLLP/TLS and HTTPS): TLS 1.2 and 1.3
 * only, AEAD cipher suites with forward secrecy only (ANSSI "TLS" guide and IGC-Santé's recommendations: no CBC, no RSA
 * key exchange).
 *
 * @param protocols    enabled protocol versions (default TLSv1.3, TLSv1.2)
 * @param cipherSuites enabled cipher suites (default: TLS 1.3 suites and ECDHE + AES-GCM / ChaCha20 for TLS 1.2)
 */
@ConfigurationProperties("hub.tls")
public record TlsProperties(List<String> protocols, List<String> cipherSuites) {

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** TLS 1.2 and later only (ANSSI): any other version in {@code hub.tls.protocols} stops the hub at start. */
    public static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    public TlsProperties {
        if (protocols == null || protocols.isEmpty()) protocols = DEFAULT_PROTOCOLS;
        if (cipherSuites == null || cipherSuites.isEmpty()) cipherSuites = DEFAULT_CIPHER_SUITES;
        for (String p : protocols) {
            if (!ALLOWED_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("hub.tls.protocols: " + p + " is not allowed (TLSv1.2 and TLSv1.3 only)");
            }
        }
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }
}
