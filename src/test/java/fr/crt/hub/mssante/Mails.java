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

    /** The same mail wrapped in S/MIME multipart/signed (content + an application/pkcs7-signature part, not a real signature). */
    static MimeMessage signed(MimeMessage inner, String messageId) throws Exception {
        MimeMessage m = new MimeMessage(SESSION);
        m.setFrom(inner.getFrom()[0]);
        m.setRecipients(MimeMessage.RecipientType.TO, inner.getAllRecipients());
        m.setSubject(inner.getSubject(), "UTF-8");
        MimeMultipart signed = new MimeMultipart("signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256");
        MimeBodyPart content = new MimeBodyPart();
        content.setContent((MimeMultipart) inner.getContent());
        signed.addBodyPart(content);
        MimeBodyPart sig = new MimeBodyPart();
        sig.setDataHandler(new DataHandler(new ByteArrayDataSource(new byte[] {0x30, (byte) 0x82, 1, 2, 3}, "application/pkcs7-signature")));
        sig.setFileName("smime.p7s");
        signed.addBodyPart(sig);
        m.setContent(signed);
        m.saveChanges();
        m.setHeader("Message-ID", messageId);
        return m;
    }
}
