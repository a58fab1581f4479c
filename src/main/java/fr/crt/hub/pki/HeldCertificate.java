package fr.crt.hub.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One certificate the hub holds (a keystore's own certificate) or trusts (a truststore entry), with who uses it
 * and whether its CA revoked it. The unit of the expiry metric, the health check and {@code GET /api/certificates}.
 *
 * @param alias  keystore file name for held certificates ({@code hub-server}, {@code connector-chu-x-gam}…),
 *               {@code truststore/<entry>} for trusted ones
 * @param usedBy {@code hub server}, {@code hub client}, a connector id, {@code insi}, {@code mssante}, {@code CA} or
 *               {@code trust}
 */
public record HeldCertificate(String alias, String usedBy, X509Certificate certificate, boolean revoked) {

    private static final Logger log = LoggerFactory.getLogger(HeldCertificate.class);

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    public Duration timeLeft(Instant now) {
        return Duration.between(now, notAfter());
    }

    public boolean expired(Instant now) {
        return !notAfter().isAfter(now);
    }

    /** Who presents a held certificate, from its keystore alias. */
    static String usedBy(String alias) {
        if (DevPki.isCa(alias)) return "CA";
        if (alias.equals(EntityProfile.HUB_SERVER)) return "hub server";
        if (alias.equals(EntityProfile.HUB_CLIENT)) return "hub client";
        if (alias.startsWith(EntityProfile.CONNECTOR_PREFIX)) return alias.substring(EntityProfile.CONNECTOR_PREFIX.length());
        return alias;
    }

    /**
     * Everything in a PKI folder: each keystore's certificate, then each truststore entry. A keystore that cannot be
     * opened (wrong password, damaged) is logged and skipped, so one bad file does not hide the others.
     */
    static List<HeldCertificate> readFolder(Path dir, char[] password) {
        List<HeldCertificate> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) return result;
        PkiFolder folder = new PkiFolder(dir, password);
        List<X509CRL> crls;
        try {
            crls = folder.readCrls();
        } catch (IOException e) {
            log.warn("CRL in {} not readable: {}", dir, e.getMessage());
            crls = List.of();
        }
        List<Path> stores;
        try (Stream<Path> files = Files.list(dir)) {
            stores = files.filter(f -> f.getFileName().toString().endsWith(PkiFolder.P12)).sorted().toList();
        } catch (IOException e) {
            log.warn("PKI folder {} not readable: {}", dir, e.getMessage());
            return result;
        }
        List<HeldCertificate> trusted = new ArrayList<>();
        for (Path store : stores) {
            String name = store.getFileName().toString();
            String fileAlias = name.substring(0, name.length() - PkiFolder.P12.length());
            try {
                KeyStore ks = PkiFolder.load(store, password);
                for (String entry : Collections.list(ks.aliases())) {
                    if (ks.isKeyEntry(entry)) {
                        Certificate c = ks.getCertificate(entry);
                        if (c instanceof X509Certificate x) {
                            String alias = entry.equals(fileAlias) ? fileAlias : fileAlias + "/" + entry;
                            result.add(new HeldCertificate(alias, usedBy(fileAlias), x, revoked(x, crls)));
                        }
                    } else if (ks.getCertificate(entry) instanceof X509Certificate x) {
                        trusted.add(new HeldCertificate(fileAlias + "/" + entry, "trust", x, revoked(x, crls)));
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                log.warn("Keystore {} skipped: {}", name, e.getClass().getSimpleName());
            }
        }
        result.addAll(trusted);
        return result;
    }

    private static boolean revoked(X509Certificate cert, List<X509CRL> crls) {
        return crls.stream().anyMatch(crl -> crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal())
                && crl.isRevoked(cert));
    }
}
