package fr.crt.hub.pki;

import java.time.Duration;
import java.time.Instant;

/** One line of {@code GET /api/certificates}: enough for an administrator to see what expires, when, and for whom. */
public record CertificateView(String alias, String usedBy, String subject, String issuer, String serial,
                              Instant notBefore, Instant notAfter, long daysLeft, boolean expired, boolean revoked) {

    static CertificateView of(HeldCertificate held, Instant now) {
        var c = held.certificate();
        return new CertificateView(held.alias(), held.usedBy(), c.getSubjectX500Principal().getName(),
                c.getIssuerX500Principal().getName(), c.getSerialNumber().toString(16),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(),
                Math.floorDiv(Duration.between(now, held.notAfter()).toSeconds(), 86_400L), held.expired(now), held.revoked());
    }
}
