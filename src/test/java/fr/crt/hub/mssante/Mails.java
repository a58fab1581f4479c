package fr.crt.hub.mssante;

import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.util.Properties;
import java.util.UUID;

/** Mails as a GP's or hospital's MSSanté client would send them to the CRT. */
final class Mails {

    static final Session SESSION = Session.getInstance(new Properties());
    static final String GP = "dr.martin@test.mssante.fr";

    private Mails() {}

    static String newMessageId() {
        return "<" + UUID.randomUUID() + "@test.mssante.fr>";
    }

    /** A mail from the GP to {@code to} with the given attachments (name, content type, bytes). */
    static MimeMessage mail(String to, String messageId, boolean readReceipt, Object... attachments) throws Exception {
        MimeMessage m = new MimeMessage(SESSION);
        m.setFrom(new InternetAddress(GP));
        m.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject("Lettre de liaison", "UTF-8");
        if (readReceipt) m.setHeader("Disposition-Notification-To", GP);
        MimeMultipart mp = new MimeMultipart("mixed");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Bonjour, veuillez trouver le document ci-joint.", "UTF-8");
        mp.addBodyPart(text);
        for (int i = 0; i < attachments.length; i += 3) {
            MimeBodyPart a = new MimeBodyPart();
            a.setDataHandler(new DataHandler(new ByteArrayDataSource((byte[]) attachments[i + 2], (String) attachments[i + 1])));
            a.setFileName((String) attachments[i]);
            a.setDisposition(MimeBodyPart.ATTACHMENT);
            mp.addBodyPart(a);
        }
        m.setContent(mp);
        m.saveChanges();
        m.setHeader("Message-ID", messageId);
        return m;
    }

    static byte[] bytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(SESSION, new java.io.ByteArrayInputStream(raw));
    }

    /**
     * The same mail in S/MIME multipart/signed (RFC 8551), really signed by {@code signer}: a detached CMS SignedData
     * (SHA-256, signer certificate chain included) over the exact bytes of the content part as transmitted.
     */
    static MimeMessage signedBy(MimeMessage inner, String messageId, fr.crt.hub.pki.TestPki.Signer signer) throws Exception {
        MimeBodyPart content = new MimeBodyPart();
        content.setContent((MimeMultipart) inner.getContent());
        MimeMessage holder = new MimeMessage(SESSION);   // saveChanges sets the part's headers as a multipart would
        MimeMultipart one = new MimeMultipart();
        one.addBodyPart(content);
        holder.setContent(one);
        holder.saveChanges();
        ByteArrayOutputStream entity = new ByteArrayOutputStream();
        content.writeTo(entity);
        byte[] signedBytes = entity.toByteArray();
        org.bouncycastle.cms.CMSSignedDataGenerator gen = new org.bouncycastle.cms.CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder()
                .build("SHA256withRSA", signer.key(), signer.chain()[0]));
        gen.addCertificates(new org.bouncycastle.cert.jcajce.JcaCertStore(java.util.List.of(signer.chain())));
        byte[] p7s = gen.generate(new org.bouncycastle.cms.CMSProcessableByteArray(signedBytes), false).getEncoded();
        return signedWith(inner, messageId, new MimeBodyPart(new java.io.ByteArrayInputStream(signedBytes)), p7s);
    }

    /** The same mail wrapped in S/MIME multipart/signed with a signature part that is not a CMS signature. */
    static MimeMessage signed(MimeMessage inner, String messageId) throws Exception {
        MimeBodyPart content = new MimeBodyPart();
        content.setContent((MimeMultipart) inner.getContent());
        return signedWith(inner, messageId, content, new byte[] {0x30, (byte) 0x82, 1, 2, 3});
    }

    private static MimeMessage signedWith(MimeMessage inner, String messageId, MimeBodyPart content, byte[] p7s) throws Exception {
        MimeMessage m = new MimeMessage(SESSION);
        m.setFrom(inner.getFrom()[0]);
        m.setRecipients(MimeMessage.RecipientType.TO, inner.getAllRecipients());
        m.setSubject(inner.getSubject(), "UTF-8");
        MimeMultipart signed = new MimeMultipart("signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256");
        signed.addBodyPart(content);
        MimeBodyPart sig = new MimeBodyPart();
        sig.setDataHandler(new DataHandler(new ByteArrayDataSource(p7s, "application/pkcs7-signature")));
        sig.setFileName("smime.p7s");
        signed.addBodyPart(sig);
        m.setContent(signed);
        m.saveChanges();
        m.setHeader("Message-ID", messageId);
        return m;
    }
}
