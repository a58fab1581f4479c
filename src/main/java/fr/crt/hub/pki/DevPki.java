package fr.crt.hub.pki;

import fr.crt.hub.pki.EntityProfile.HubStructure;
import fr.crt.hub.pki.EntityProfile.InsiMode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The development PKI, shaped like IGC-Santé: a root, an "organisations" CA under it, and the end entities the
 * hub needs (its TLS server, one client per connector file, INSi, the MSSanté mailbox), with a CRL per CA.
 * Every operation only adds what is missing, so running it again never replaces a key a partner already holds.
 */
final class DevPki {

    static final X500Name ROOT_NAME = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "FR")
            .addRDN(BCStyle.O, "CRT Hub (developpement)").addRDN(BCStyle.CN, "CRT Hub Dev Root CA").build();
    static final X500Name ORGANISATIONS_NAME = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "FR")
            .addRDN(BCStyle.O, "CRT Hub (developpement)").addRDN(BCStyle.OU, "AC ORGANISATIONS")
            .addRDN(BCStyle.CN, "CRT Hub Dev Organisations CA").build();

    static final Duration ROOT_VALIDITY = Duration.ofDays(20 * 365);
    static final Duration CA_VALIDITY = Duration.ofDays(10 * 365);
    /** IGC-Santé software certificates are valid three years. */
    static final Duration ENTITY_VALIDITY = Duration.ofDays(3 * 365);
    /** A development CRL lasts a year; {@link #init} re-signs it when less than a month is left. */
    static final Duration CRL_VALIDITY = Duration.ofDays(365);
    static final Duration CRL_RENEW_BEFORE = Duration.ofDays(30);

    private final PkiFolder folder;
    private final HubStructure hub;

    DevPki(Path dir, char[] password) {
        this(new PkiFolder(dir, password), HubStructure.DEV);
    }

    DevPki(PkiFolder folder, HubStructure hub) {
        this.folder = folder;
        this.hub = hub;
    }

    PkiFolder folder() {
        return folder;
    }

    /**
     * Creates whatever is missing: CAs, truststore, CRLs, hub server, hub client (outbound), INSi, MSSanté and one
     * client certificate per connector file. Returns what was created (empty when everything was already there).
     */
    List<String> init(Path connectorsDir) throws IOException {
        List<String> created = new ArrayList<>();
        CertificateAuthority root = rootCa(created);
        CertificateAuthority organisations = organisationsCa(root, created);
        if (!java.nio.file.Files.isRegularFile(folder.truststore())) {
            folder.writeTruststore(List.of(root.certificate(), organisations.certificate()),
                    List.of(PkiFolder.ROOT_CA, PkiFolder.ORGANISATIONS_CA));
            created.add(PkiFolder.TRUSTSTORE);
        }
        freshCrl(root, created);
        freshCrl(organisations, created);
        List<EntityProfile> wanted = new ArrayList<>(List.of(EntityProfile.hubServer(hub), EntityProfile.hubClient(hub),
                EntityProfile.insi(hub, InsiMode.AUTO), EntityProfile.mssante(hub)));
        for (PartnerIdentity p : PartnerIdentity.readAll(connectorsDir)) wanted.add(EntityProfile.connector(p));
        for (EntityProfile profile : wanted) {
            if (!folder.has(profile.alias())) {
                issue(organisations, profile, Instant.now(), Instant.now().plus(ENTITY_VALIDITY));
                created.add(profile.alias());
            }
        }
        return created;
    }

    /**
     * Makes sure a partner has a usable client certificate: issues one when it has none, or when its current one is
     * revoked or expired. Returns the alias if a certificate was issued, empty if the current one is still good.
     */
    Optional<String> issuePartner(String partnerId, Path connectorsDir) throws IOException {
        PartnerIdentity partner = PartnerIdentity.find(connectorsDir, partnerId);
        EntityProfile profile = EntityProfile.connector(partner);
        CertificateAuthority organisations = organisationsCa(rootCa(new ArrayList<>()), new ArrayList<>());
        if (folder.has(profile.alias())) {
            X509Certificate current = folder.readCredential(profile.alias()).certificate();
            boolean revoked = folder.readCrl(PkiFolder.ORGANISATIONS_CA).map(c -> c.isRevoked(current)).orElse(false);
            if (!revoked && current.getNotAfter().toInstant().isAfter(Instant.now())) return Optional.empty();
        }
        issue(organisations, profile, Instant.now(), Instant.now().plus(ENTITY_VALIDITY));
        return Optional.of(profile.alias());
    }

    /**
     * Revokes the certificate of a partner (connector id) or of an entity alias ({@code insi}, {@code hub-server}…):
     * adds its serial to the organisations CRL and re-signs it. Returns the serial revoked.
     */
    BigInteger revoke(String partnerIdOrAlias) throws IOException {
        String alias = resolveAlias(partnerIdOrAlias);
        X509Certificate cert = folder.readCredential(alias).certificate();
        CertificateAuthority organisations = new CertificateAuthority(folder.readCredential(PkiFolder.ORGANISATIONS_CA));
        X509CRL previous = folder.readCrl(PkiFolder.ORGANISATIONS_CA).orElse(null);
        if (previous != null && previous.isRevoked(cert)) return cert.getSerialNumber();
        Instant now = Instant.now();
        X509CRL crl = organisations.crl(previous, Map.of(cert.getSerialNumber(), now), now, now.plus(CRL_VALIDITY));
        folder.writePem(folder.crl(PkiFolder.ORGANISATIONS_CA), crl);
        return cert.getSerialNumber();
    }

    /** Issues and stores one end-entity certificate with the given validity (tests use it for expired/expiring ones). */
    Credential issue(EntityProfile profile, Instant notBefore, Instant notAfter) throws IOException {
        CertificateAuthority organisations = organisationsCa(rootCa(new ArrayList<>()), new ArrayList<>());
        return issue(organisations, profile, notBefore, notAfter);
    }

    private Credential issue(CertificateAuthority ca, EntityProfile profile, Instant notBefore, Instant notAfter)
            throws IOException {
        Credential credential = ca.issue(profile, notBefore, notAfter);
        folder.writeCredential(profile.alias(), credential);
        return credential;
    }

    String resolveAlias(String partnerIdOrAlias) throws IOException {
        if (folder.has(EntityProfile.CONNECTOR_PREFIX + partnerIdOrAlias)) return EntityProfile.CONNECTOR_PREFIX + partnerIdOrAlias;
        if (folder.has(partnerIdOrAlias) && !isCa(partnerIdOrAlias)) return partnerIdOrAlias;
        throw new IOException("no certificate for '" + partnerIdOrAlias + "' in " + folder.dir());
    }

    static boolean isCa(String alias) {
        return alias.equals(PkiFolder.ROOT_CA) || alias.equals(PkiFolder.ORGANISATIONS_CA);
    }

    private CertificateAuthority rootCa(List<String> created) throws IOException {
        if (folder.has(PkiFolder.ROOT_CA)) return new CertificateAuthority(folder.readCredential(PkiFolder.ROOT_CA));
        if (folder.has(PkiFolder.ORGANISATIONS_CA)) {
            throw new IOException("root CA keystore missing but the organisations CA exists in " + folder.dir()
                    + ": restore root-ca.p12 or empty the folder");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateAuthority root = CertificateAuthority.root(ROOT_NAME, now.minus(Duration.ofMinutes(5)), now.plus(ROOT_VALIDITY));
        folder.writeCredential(PkiFolder.ROOT_CA, root.credential());
        folder.writePem(folder.certificatePem(PkiFolder.ROOT_CA), root.certificate());
        created.add(PkiFolder.ROOT_CA);
        return root;
    }

    private CertificateAuthority organisationsCa(CertificateAuthority root, List<String> created) throws IOException {
        if (folder.has(PkiFolder.ORGANISATIONS_CA)) {
            return new CertificateAuthority(folder.readCredential(PkiFolder.ORGANISATIONS_CA));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateAuthority ca = root.subordinate(ORGANISATIONS_NAME, now.minus(Duration.ofMinutes(5)), now.plus(CA_VALIDITY));
        folder.writeCredential(PkiFolder.ORGANISATIONS_CA, ca.credential());
        folder.writePem(folder.certificatePem(PkiFolder.ORGANISATIONS_CA), ca.certificate());
        created.add(PkiFolder.ORGANISATIONS_CA);
        return ca;
    }

    /** Writes the CA's CRL when missing, or re-signs it (same entries) when it is about to lapse. */
    private void freshCrl(CertificateAuthority ca, List<String> created) throws IOException {
        String alias = alias(ca);
        Optional<X509CRL> current = folder.readCrl(alias);
        Instant now = Instant.now();
        if (current.isPresent() && current.get().getNextUpdate() != null
                && current.get().getNextUpdate().toInstant().isAfter(now.plus(CRL_RENEW_BEFORE))) return;
        X509CRL crl = ca.crl(current.orElse(null), Map.of(), now, now.plus(CRL_VALIDITY));
        folder.writePem(folder.crl(alias), crl);
        created.add(alias + " CRL");
    }

    private static String alias(CertificateAuthority ca) {
        return ca.certificate().getSubjectX500Principal().equals(ca.certificate().getIssuerX500Principal())
                ? PkiFolder.ROOT_CA : PkiFolder.ORGANISATIONS_CA;
    }
}
