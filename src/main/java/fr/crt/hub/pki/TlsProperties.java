package fr.crt.hub.pki;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * TLS policy of the hub's listeners: TLS 1.2 and 1.3 only, AEAD cipher suites with forward secrecy only (ANSSI
 * "TLS" guide and IGC-Santé's recommendations: no CBC, no RSA key exchange).
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

    public TlsProperties {
        if (protocols == null || protocols.isEmpty()) protocols = DEFAULT_PROTOCOLS;
        if (cipherSuites == null || cipherSuites.isEmpty()) cipherSuites = DEFAULT_CIPHER_SUITES;
    }
}
