package fr.crt.hub.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Test access to the development PKI (package-private): extra, expired, revoked and foreign certificates. */
public final class TestPki {

    public static final char[] PASSWORD = PkiProperties.DEFAULT_PASSWORD.toCharArray();

    private TestPki() {}

    public static Path keystore(Path dir, String alias) {
        return dir.resolve(alias + PkiFolder.P12);
    }

    public static Path truststore(Path dir) {
        return dir.resolve(PkiFolder.TRUSTSTORE + PkiFolder.P12);
    }

    /**
     * Issues, into {@code work}, a client certificate for partner {@code partnerId} (same subject as the one the PKI
     * gives the partner) signed by the organisations CA of {@code hubPki}, valid between the given instants. The
     * hub's folder is not touched (its certificates health would count an expired one). Returns the keystore.
     */
    public static Path issueClient(Path hubPki, Path work, String alias, String partnerId, String organisation,
                                   String finess, Instant notBefore, Instant notAfter) throws IOException {
        Files.createDirectories(work);
        for (String ca : new String[] {PkiFolder.ROOT_CA, PkiFolder.ORGANISATIONS_CA}) {
            Path target = keystore(work, ca);
            if (!Files.exists(target)) Files.copy(keystore(hubPki, ca), target);
        }
        EntityProfile p = EntityProfile.connector(new PartnerIdentity(partnerId, organisation, finess));
        new DevPki(work, PASSWORD).issue(new EntityProfile(alias, p.usedBy(), p.subject(), p.extendedKeyUsages(),
                p.alternativeNames()), notBefore, notAfter);
        return keystore(work, alias);
    }

    /** Adds the certificate of {@code keystore} to the organisations CRL of {@code hubPki} (re-signed at once). */
    public static BigInteger revokeInHubCrl(Path hubPki, Path keystore, String alias) throws IOException {
        X509Certificate cert = new PkiFolder(keystore.getParent(), PASSWORD).readCredential(alias).certificate();
        PkiFolder hub = new PkiFolder(hubPki, PASSWORD);
        CertificateAuthority ca = new CertificateAuthority(hub.readCredential(PkiFolder.ORGANISATIONS_CA));
        X509CRL previous = hub.readCrl(PkiFolder.ORGANISATIONS_CA).orElse(null);
        Instant now = Instant.now();
        X509CRL crl = ca.crl(previous, Map.of(cert.getSerialNumber(), now), now, now.plus(Duration.ofDays(365)));
        hub.writePem(hub.crl(PkiFolder.ORGANISATIONS_CA), crl);
        return cert.getSerialNumber();
    }

    /**
     * A complete development PKI in {@code dir}, as the PKI command builds it (CAs, truststore, CRLs, hub server, INSi
     * {@code insi.p12}, MSSanté, one client per connector file of {@code connectorsDir}).
     */
    public static Path init(Path dir, Path connectorsDir) throws IOException {
        new DevPki(dir, PASSWORD).init(connectorsDir);
        return dir;
    }

    /** A signing key and its chain (leaf first) read from keystore {@code alias} of {@code dir}. */
    public record Signer(java.security.PrivateKey key, X509Certificate[] chain) {}

    public static Signer signer(Path dir, String alias) throws IOException {
        Credential c = new PkiFolder(dir, PASSWORD).readCredential(alias);
        return new Signer(c.key(), c.chain());
    }

    /**
     * The PEM files a TLS server outside Java reads (Dovecot): the key and certificate chain of {@code alias}, and the
     * certificates of the folder's two CAs, which its client certificates are checked against.
     */
    public static void exportPem(Path dir, String alias, Path key, Path chain, Path caBundle) throws IOException {
        PkiFolder folder = new PkiFolder(dir, PASSWORD);
        Credential c = folder.readCredential(alias);
        folder.writePem(key, c.key());
        folder.writePem(chain, (Object[]) c.chain());
        folder.writePem(caBundle, folder.readCredential(PkiFolder.ROOT_CA).certificate(),
                folder.readCredential(PkiFolder.ORGANISATIONS_CA).certificate());
    }

    /** Alias of the MSSanté application-mailbox certificate of a development PKI. */
    public static final String MSSANTE = EntityProfile.MSSANTE;

    /** Alias (and file name) of the INSi client certificate and of the hub's server certificate. */
    public static final String INSI = EntityProfile.INSI;
    public static final String HUB_SERVER = EntityProfile.HUB_SERVER;

    /** A whole other PKI (its own root) in {@code work}; returns its client keystore for {@code partnerId}. */
    public static Path foreignPki(Path work, Path connectorsDir, String partnerId) throws IOException {
        new DevPki(work, PASSWORD).init(connectorsDir);
        return keystore(work, EntityProfile.CONNECTOR_PREFIX + partnerId);
    }

    /** Issues a new hub server certificate into the hub's folder (replacing hub-server.p12); returns its serial. */
    public static BigInteger renewHubServer(Path hubPki) throws IOException {
        return new DevPki(hubPki, PASSWORD).issue(EntityProfile.hubServer(EntityProfile.HubStructure.DEV),
                Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(DevPki.ENTITY_VALIDITY))
                .certificate().getSerialNumber();
    }
}
