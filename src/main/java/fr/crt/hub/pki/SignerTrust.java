package fr.crt.hub.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;

/**
 * Whether a signer's certificate (an S/MIME signature, not a TLS peer) chains to an anchor of the hub's truststore and
 * is not revoked by the CRLs of the PKI folder, at a given time. The same anchors and CRL rules as
 * {@link RevocationCheckingTrustManager}, without the TLS key-usage checks (a signing certificate carries
 * emailProtection, not clientAuth). Files are read on each call: signatures are rare and the folder may change.
 */
public final class SignerTrust {

    private final Path dir;
    private final char[] password;

    public SignerTrust(Path dir, char[] password) {
        this.dir = dir;
        this.password = password.clone();
    }

    /** Null when trusted at {@code at}, else why not (no patient data: certificate names and PKIX reasons only). */
    public String whyNotTrusted(X509Certificate signer, Collection<X509Certificate> intermediates, Date at) {
        try {
            KeyStore anchors = PkiFolder.load(dir.resolve(PkiFolder.TRUSTSTORE + PkiFolder.P12), password);
            List<X509CRL> crls = new PkiFolder(dir, password).readCrls();
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(signer);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setDate(at);
            List<Object> store = new ArrayList<>(intermediates);
            store.add(signer);
            store.addAll(crls);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            CertPathBuilder builder = CertPathBuilder.getInstance("PKIX");
            PKIXRevocationChecker revocation = (PKIXRevocationChecker) builder.getRevocationChecker();
            revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
            params.addCertPathChecker(revocation);
            params.setRevocationEnabled(true);
            try {
                builder.build(params);
                return null;
            } catch (CertPathBuilderException e) {
                // PKIX says only "no path" when revocation fails the only path: tell the operator which it was
                PKIXBuilderParameters noRevocation = new PKIXBuilderParameters(anchors, target);
                noRevocation.setDate(at);
                noRevocation.setCertStores(params.getCertStores());
                noRevocation.setRevocationEnabled(false);
                try {
                    CertPathBuilder.getInstance("PKIX").build(noRevocation);
                    return "revoked, or its revocation status is unknown (no current CRL of its issuer)";
                } catch (CertPathBuilderException notChained) {
                    return "does not chain to an authority the hub trusts, or is not valid at reception";
                }
            }
        } catch (IOException e) {
            return "the hub's truststore cannot be read";
        } catch (GeneralSecurityException e) {
            return "not checked: " + e.getMessage();
        }
    }
}
