package fr.crt.hub.mssante;

import fr.crt.hub.pki.PkiProperties;
import fr.crt.hub.pki.SignerTrust;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.springframework.stereotype.Component;

/**
 * Verifies an S/MIME {@code multipart/signed} mail (RFC 8551): the CMS signature over the signed entity's exact bytes,
 * then the signer's certificate against the hub's truststore and CRLs at the time the hub received the mail
 * ({@link SignerTrust}; the signing-time attribute is the sender's own claim, so it is not used).
 * <ul>
 *   <li>{@link Outcome#VERIFIED}: the content is what the signer signed, and the signer is trusted;</li>
 *   <li>{@link Outcome#UNTRUSTED}: the signature matches, but the signer does not chain to a trusted authority (or is
 *   revoked): the content is used, as for an unsigned mail (MSSanté does not require signatures), and that is recorded;</li>
 *   <li>{@link Outcome#INVALID}: the content was changed after signing, or the signature cannot be read: the mail is
 *   refused, since what it carries is not what was sent.</li>
 * </ul>
 */
@Component
public class SmimeVerifier {

    public enum Outcome { VERIFIED, UNTRUSTED, INVALID }

    public record Check(Outcome outcome, String detail) {}

    private final SignerTrust trust;

    @org.springframework.beans.factory.annotation.Autowired
    public SmimeVerifier(PkiProperties pki) {
        this(new SignerTrust(pki.dir(), pki.password().toCharArray()));
    }

    SmimeVerifier(SignerTrust trust) {
        this.trust = trust;
    }

    public Check verify(MailContent.Signed signed, Date receivedAt) {
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(new CMSProcessableByteArray(signed.content()), signed.signature());
        } catch (CMSException | RuntimeException e) {
            return new Check(Outcome.INVALID, "S/MIME signature unreadable (not a CMS SignedData)");
        }
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.isEmpty()) return new Check(Outcome.INVALID, "S/MIME signature without signer");
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> all = new ArrayList<>();
        try {
            for (X509CertificateHolder h : cms.getCertificates().getMatches(null)) all.add(converter.getCertificate(h));
        } catch (CertificateException e) {
            return new Check(Outcome.INVALID, "S/MIME signature carries an unreadable certificate");
        }
        List<String> untrusted = new ArrayList<>();
        List<String> verified = new ArrayList<>();
        for (SignerInformation signer : signers) {
            Collection<X509CertificateHolder> match = cms.getCertificates().getMatches(signer.getSID());
            if (match.isEmpty()) return new Check(Outcome.INVALID, "S/MIME signer certificate missing from the signature");
            X509Certificate cert;
            try {
                cert = converter.getCertificate(match.iterator().next());
            } catch (CertificateException e) {
                return new Check(Outcome.INVALID, "S/MIME signer certificate unreadable");
            }
            try {
                // the digest of the signed bytes and the signature itself; the certificate's validity is judged below,
                // by the trust path at reception
                if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert.getPublicKey()))) {
                    return new Check(Outcome.INVALID, "S/MIME signature does not match the content: changed after signing");
                }
            } catch (CMSException e) {
                return new Check(Outcome.INVALID, "S/MIME signature does not match the content: changed after signing");
            } catch (OperatorCreationException | RuntimeException e) {
                return new Check(Outcome.INVALID, "S/MIME signature algorithm not supported");
            }
            String who = cert.getSubjectX500Principal().getName();
            String why = trust.whyNotTrusted(cert, all, receivedAt);
            if (why == null) verified.add(who); else untrusted.add(who + " (" + why + ")");
        }
        if (!untrusted.isEmpty()) {
            return new Check(Outcome.UNTRUSTED, "S/MIME signature matches the content but the signer is not trusted: "
                    + String.join("; ", untrusted));
        }
        return new Check(Outcome.VERIFIED, "S/MIME signature verified, signer " + String.join("; ", verified));
    }
}
