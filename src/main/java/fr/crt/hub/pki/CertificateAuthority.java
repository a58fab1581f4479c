package fr.crt.hub.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certification authority of the development PKI: signs certificates and its revocation list. Keys are
 * RSA 2048 with SHA-256, like IGC-Santé's, so partner TLS stacks meet the same algorithms in development as in
 * production (and a key takes well under a second to generate, which keeps {@code pki init} fast).
 */
final class CertificateAuthority {

    static final int RSA_BITS = 2048;
    private static final String SIGNATURE = "SHA256withRSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Credential credential;

    CertificateAuthority(Credential credential) {
        this.credential = credential;
    }

    Credential credential() {
        return credential;
    }

    X509Certificate certificate() {
        return credential.certificate();
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(RSA_BITS, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed root, the top of the trust chain every hub endpoint and partner is given. */
    static CertificateAuthority root(X500Name name, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
                    Date.from(notAfter), name, keys.getPublic());
            JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate cert = sign(b, keys.getPrivate());
            return new CertificateAuthority(new Credential(keys.getPrivate(), new X509Certificate[] {cert}));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create root CA", e);
        }
    }

    /** A subordinate CA (path length 0: it signs end entities only), like IGC-Santé's "organisations" CA. */
    CertificateAuthority subordinate(X500Name name, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        try {
            X509v3CertificateBuilder b = builder(name, keys.getPublic(), notBefore, notAfter);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate cert = sign(b, credential.key());
            return new CertificateAuthority(new Credential(keys.getPrivate(), chainWith(cert)));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create subordinate CA", e);
        }
    }

    /** An end-entity certificate and its fresh key, with the chain up to the root. */
    Credential issue(EntityProfile profile, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        try {
            X509v3CertificateBuilder b = builder(profile.subject(), keys.getPublic(), notBefore, notAfter);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(profile.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            if (!profile.alternativeNames().isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(profile.alternativeNames().toArray(GeneralName[]::new)));
            }
            X509Certificate cert = sign(b, credential.key());
            return new Credential(keys.getPrivate(), chainWith(cert));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue " + profile.alias(), e);
        }
    }

    /**
     * This CA's revocation list: the entries of {@code previous} (if any) plus {@code revoke} (serial → time),
     * with the next CRL number.
     */
    X509CRL crl(X509CRL previous, Map<BigInteger, Instant> revoke, Instant thisUpdate, Instant nextUpdate) {
        try {
            X509v2CRLBuilder b = new JcaX509v2CRLBuilder(certificate(), Date.from(thisUpdate));
            b.setNextUpdate(Date.from(nextUpdate));
            BigInteger number = BigInteger.ONE;
            if (previous != null) {
                b.addCRL(new JcaX509CRLHolder(previous));
                byte[] n = previous.getExtensionValue(Extension.cRLNumber.getId());
                if (n != null) {
                    number = CRLNumber.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(n).getOctets())
                            .getCRLNumber().add(BigInteger.ONE);
                }
            }
            revoke.forEach((serial, when) -> b.addCRLEntry(serial, Date.from(when), CRLReason.cessationOfOperation));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate()));
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            return new JcaX509CRLConverter().getCRL(b.build(signer(credential.key())));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign CRL", e);
        }
    }

    private X509v3CertificateBuilder builder(X500Name subject, PublicKey key, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, CertIOException {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate(), serial(), Date.from(notBefore),
                Date.from(notAfter), subject, key);
        JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(key));
        b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(certificate()));
        return b;
    }

    private X509Certificate[] chainWith(X509Certificate cert) {
        X509Certificate[] chain = new X509Certificate[credential.chain().length + 1];
        chain[0] = cert;
        System.arraycopy(credential.chain(), 0, chain, 1, credential.chain().length);
        return chain;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, java.security.PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(signer(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static ContentSigner signer(java.security.PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(SIGNATURE).build(key);
    }

    /** 127-bit random positive serial: unique without keeping a counter, as CA/B and IGC-Santé practice. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(120);
    }
}
