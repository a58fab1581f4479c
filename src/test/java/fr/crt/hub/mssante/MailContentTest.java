package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.xdm.XdmFixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading received mails with caps: hostile or odd MIME gets a clear refusal or is read safely. */
class MailContentTest {

    static final MailContent.Limits LIMITS = MailContent.Limits.DEFAULT;

    @Test
    void readsAttachmentsAndTheReceiptRequest() throws Exception {
        byte[] xdm = XdmFixtures.xdm(XdmFixtures.ldlSes("279035121518989"));
        byte[] raw = Mails.bytes(Mails.mail("crt@x.fr", "<a@b>", true, "IHE_XDM.ZIP", "application/zip", xdm));
        MailContent c = MailContent.parse(raw, LIMITS);
        assertThat(c.messageId()).isEqualTo("<a@b>");
        assertThat(c.from()).isEqualTo(Mails.GP);
        assertThat(c.dispositionNotificationTo()).isEqualTo(Mails.GP);
        assertThat(c.kind()).isEqualTo(MailContent.Kind.MAIL);
        assertThat(c.attachments()).singleElement().satisfies(a -> {
            assertThat(a.isXdm()).isTrue();
            assertThat(a.bytes()).isEqualTo(xdm);
        });
        assertThat(c.signed()).isNull();
    }

    /** base64 parts are decoded by the JDK decoder (fast path): same bytes as Jakarta Mail, the size cap still holds. */
    @Test
    void largeBase64AttachmentsReadWholeAndCapped() throws Exception {
        byte[] pdf = new byte[1 << 20];
        new java.util.Random(5).nextBytes(pdf);
        byte[] raw = Mails.bytes(Mails.mail("crt@x.fr", "<d@b>", false, "doc.pdf", "application/pdf", pdf));
        assertThat(MailContent.parse(raw, LIMITS).attachments()).singleElement().satisfies(a -> assertThat(a.bytes()).isEqualTo(pdf));
        assertThatThrownBy(() -> MailContent.parse(raw, new MailContent.Limits(65536, 8, 20, (1 << 20) - 1)))
                .isInstanceOf(MailRejectedException.class).hasMessageContaining("attachment larger than");
    }

    /** Broken base64 (bad padding, stray characters) is read exactly as Jakarta Mail reads it, not by the fast path. */
    @Test
    void malformedBase64IsReadAsJakartaMailReadsIt() throws Exception {
        for (String body : new String[] {"JVBERi0xLjQK=A==\r\n", "JVBE*Ri0x\r\nLjQK\r\n", "JVBERi0xLjQ\r\n", "QQ==QQ==\r\n",
                "JVBE Ri0x\tLjQK\r\n", "JVBERi0xLjQK\r\nJVBE\r\nRi0x\r\n", "====\r\n", "QUJD\r\n=\r\n", "QUI=\r\n", "QQ==\r\n\r\n"}) {
            String raw = "From: " + Mails.GP + "\r\nTo: crt@x.fr\r\nMessage-ID: <e@b>\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: application/pdf; name=doc.pdf\r\n"
                    + "Content-Disposition: attachment; filename=doc.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + "--B--\r\n";
            byte[] bytes = raw.getBytes(StandardCharsets.US_ASCII);
            byte[] viaJakarta;
            try {
                jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(
                        jakarta.mail.Session.getInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(bytes));
                viaJakarta = ((jakarta.mail.Multipart) m.getContent()).getBodyPart(0).getInputStream().readAllBytes();
            } catch (Exception e) {
                viaJakarta = null;
            }
            byte[] expected = viaJakarta;
            if (expected == null) {
                assertThatThrownBy(() -> MailContent.parse(bytes, LIMITS)).as(body).isInstanceOf(MailRejectedException.class);
            } else {
                assertThat(MailContent.parse(bytes, LIMITS).attachments()).as(body).singleElement()
                        .satisfies(a -> assertThat(a.bytes()).isEqualTo(expected));
            }
        }
    }

    @Test
    void hugeHeadersAreRefused() {
        String raw = "From: a@b.fr\r\nX-Filler: " + "x".repeat(100_000) + "\r\nSubject: s\r\n\r\nbody";
        assertThatThrownBy(() -> MailContent.parse(raw.getBytes(StandardCharsets.US_ASCII), LIMITS))
                .isInstanceOf(MailRejectedException.class).hasMessageContaining("header block larger than 65536 bytes");
    }

    @Test
    void fiftyAttachmentsAreRefusedAboveTheCap() throws Exception {
        Object[] parts = new Object[150];
        for (int i = 0; i < 50; i++) {
            parts[3 * i] = "doc" + i + ".pdf";
            parts[3 * i + 1] = "application/pdf";
            parts[3 * i + 2] = ("%PDF-1.4 " + i).getBytes();
        }
        byte[] raw = Mails.bytes(Mails.mail("crt@x.fr", "<b@b>", false, parts));
        assertThatThrownBy(() -> MailContent.parse(raw, LIMITS)).isInstanceOf(MailRejectedException.class)
                .hasMessage("more than 20 attachments");
        assertThat(MailContent.parse(raw, new MailContent.Limits(65536, 8, 60, 1 << 20)).attachments()).hasSize(50);
    }

    @Test
    void signedContentIsReadAndKeptWithItsSignatureForVerification() throws Exception {
        byte[] xdm = XdmFixtures.xdm(XdmFixtures.ldlSes("279035121518989"));
        byte[] raw = Mails.bytes(Mails.signed(Mails.mail("crt@x.fr", "<c@b>", false, "IHE_XDM.ZIP", "application/zip", xdm), "<c@b>"));
        MailContent c = MailContent.parse(raw, LIMITS);
        assertThat(c.signed()).isNotNull();
        assertThat(c.signed().signature()).containsExactly(0x30, 0x82, 1, 2, 3);
        // the signed entity is the first part as transmitted: its own headers, then its body, no boundary
        String entity = new String(c.signed().content(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(entity).startsWith("Content-Type: multipart/mixed").doesNotEndWith("\r\n\r\n").contains("IHE_XDM.ZIP");
        assertThat(entity).doesNotContain("application/pkcs7-signature");
        assertThat(c.attachments()).extracting(MailContent.Attachment::filename).containsExactly("IHE_XDM.ZIP");
    }

    @Test
    void encryptedSmimeIsRefused() {
        String raw = "From: a@b.fr\r\nMessage-ID: <d@b>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n";
        assertThatThrownBy(() -> MailContent.parse(raw.getBytes(StandardCharsets.US_ASCII), LIMITS))
                .isInstanceOf(MailRejectedException.class).hasMessageContaining("application/pkcs7-mime");
    }

    @Test
    void aWrongOrUnknownCharsetDoesNotStopReading() throws Exception {
        byte[] xdm = XdmFixtures.xdm(XdmFixtures.ldlSes("279035121518989"));
        String b64 = java.util.Base64.getMimeEncoder().encodeToString(xdm);
        byte[] head = ("From: =?x-unknown-charset?Q?Dr_M=E9decin?= <a@b.fr>\r\nSubject: Lettre \u00e9t\u00e9\r\nMessage-ID: <e@b>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\n"
                + "Content-Type: text/plain; charset=x-not-a-charset\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\u00e9\r\n--XX\r\n"
                + "Content-Type: application/zip; name*=x-bogus''IHE_XDM.ZIP\r\nContent-Disposition: attachment; filename=\"IHE_XDM.ZIP\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = (b64 + "\r\n--XX--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[head.length + tail.length];
        System.arraycopy(head, 0, raw, 0, head.length);
        System.arraycopy(tail, 0, raw, head.length, tail.length);
        MailContent c = MailContent.parse(raw, LIMITS);
        assertThat(c.from()).isEqualTo("a@b.fr");
        assertThat(c.attachments()).singleElement().satisfies(a -> assertThat(a.bytes()).isEqualTo(xdm));
    }

    @Test
    void readsMdnAndDsnFields() throws Exception {
        byte[] mdn = Mails.bytes(Receipts.mdn("dr@x.fr", "crt@y.fr", "<orig@y.fr>", "Lettre", null));
        MailContent c = MailContent.parse(mdn, LIMITS);
        assertThat(c.kind()).isEqualTo(MailContent.Kind.MDN);
        assertThat(c.reportFields()).containsEntry("original-message-id", "<orig@y.fr>")
                .containsEntry("disposition", "automatic-action/MDN-sent-automatically; processed");
        String dsn = "From: MAILER-DAEMON@y.fr\r\nMessage-ID: <dsn@y>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
                + "Delivery failed\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; y.fr\r\n\r\n"
                + "Final-Recipient: rfc822; nobody@x.fr\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--B\r\n"
                + "Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@y.fr>\r\n\r\n--B--\r\n";
        MailContent d = MailContent.parse(dsn.getBytes(StandardCharsets.US_ASCII), LIMITS);
        assertThat(d.kind()).isEqualTo(MailContent.Kind.DSN);
        assertThat(d.reportFields()).containsEntry("action", "failed").containsEntry("status", "5.1.1")
                .containsEntry("original-message-id", "<orig@y.fr>");
    }
}
