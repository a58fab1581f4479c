package fr.crt.hub.connector;

import java.math.BigInteger;

/**
 * The client certificate a partner presented in the TLS handshake (already checked: trusted issuer, in validity,
 * not revoked), as camel-mllp reports it in the {@code CamelMllpSslClientCert*} headers.
 *
 * @param subject subject distinguished name
 * @param issuer  issuer distinguished name
 * @param serial  serial number
 */
public record ClientCertificate(String subject, String issuer, BigInteger serial) {

    /** Reads camel-mllp's headers (subject and issuer as {@code X500Principal.toString()}, serial in decimal). */
    public static ClientCertificate of(String subject, String issuer, String decimalSerial) {
        if (subject == null) return null;
        BigInteger serial = null;
        try {
            serial = decimalSerial == null ? null : new BigInteger(decimalSerial.trim());
        } catch (NumberFormatException ignored) {
            // an unreadable serial matches no declared serial
        }
        return new ClientCertificate(subject, issuer, serial);
    }

    /** Short form for answers and logs: the subject. */
    @Override
    public String toString() {
        return subject;
    }
}
