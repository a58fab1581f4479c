package fr.crt.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why client certificates are refused, without sockets: the trust manager the MLLP TLS listener uses. */
class RevocationCheckingTrustManagerTest {

    private static final char[] PASSWORD = TestPki.PASSWORD;

    @TempDir
    Path dir;

    @TempDir
    Path other;

    private X509Certificate[] chain(Path folder, String alias) throws IOException {
        return new PkiFolder(folder, PASSWORD).readCredential(alias).chain();
    }

    private DevPki pki(Path folder) throws IOException {
        DevPki pki = new DevPki(folder, PASSWORD);
        pki.init(Path.of("connectors"));
        return pki;
    }

    @Test
    void acceptsAPartnerCertificateAndRefusesItOnceRevokedWithoutBeingRebuilt() throws Exception {
        DevPki pki = pki(dir);
        RevocationCheckingTrustManager tm = new RevocationCheckingTrustManager(dir, PASSWORD);
        X509Certificate[] ehpad = chain(dir, "connector-ehpad-les-tilleuls");
        assertThatCode(() -> tm.checkClientTrusted(ehpad, "RSA")).doesNotThrowAnyException();

        pki.revoke("ehpad-les-tilleuls");

        assertThatThrownBy(() -> tm.checkClientTrusted(ehpad, "RSA")).isInstanceOf(CertificateException.class)
                .satisfies(e -> assertThat(reason(e)).isEqualTo(CertPathValidatorException.BasicReason.REVOKED));
        assertThatCode(() -> tm.checkClientTrusted(chain(dir, "connector-chu-x-gam"), "RSA")).doesNotThrowAnyException();
    }

    @Test
    void refusesAnExpiredCertificate() throws Exception {
        DevPki pki = pki(dir);
        EntityProfile p = EntityProfile.connector(new PartnerIdentity("ehpad-les-tilleuls", "EHPAD Les Tilleuls", "170780001"));
        Instant now = Instant.now();
        X509Certificate[] expired = pki.issue(new EntityProfile("old", p.usedBy(), p.subject(), p.extendedKeyUsages(),
                p.alternativeNames()), now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1))).chain();
        RevocationCheckingTrustManager tm = new RevocationCheckingTrustManager(dir, PASSWORD);

        assertThatThrownBy(() -> tm.checkClientTrusted(expired, "RSA")).isInstanceOf(CertificateException.class)
                .satisfies(e -> assertThat(reason(e)).isEqualTo(CertPathValidatorException.BasicReason.EXPIRED));
    }

    @Test
    void refusesACertificateOfAnotherCa() throws Exception {
        pki(dir);
        pki(other);
        RevocationCheckingTrustManager tm = new RevocationCheckingTrustManager(dir, PASSWORD);

        assertThatThrownBy(() -> tm.checkClientTrusted(chain(other, "connector-ehpad-les-tilleuls"), "RSA"))
                .isInstanceOf(CertificateException.class);
    }

    private static CertPathValidatorException.Reason reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException c) return c.getReason();
        }
        return null;
    }
}
