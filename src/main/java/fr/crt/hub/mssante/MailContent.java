package fr.crt.hub.mssante;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What the hub needs from one received mail, read from its raw bytes with caps: header block size, MIME depth,
 * attachment count and size. S/MIME {@code multipart/signed}: the signed content is read, and its exact bytes and the
 * signature are kept for {@link SmimeVerifier}; encrypted S/MIME ({@code application/pkcs7-mime}) is refused. Text parts are never decoded with their
 * declared charset (a wrong or unknown charset cannot break reading).
 */
public record MailContent(String messageId, String from, String dispositionNotificationTo, String inReplyTo, Kind kind,
                          List<Attachment> attachments, Signed signed, Map<String, String> reportFields,
                          String subject) {

    public enum Kind { MAIL, MDN, DSN }

    /** The first {@code multipart/signed} of the mail: the signed entity as transmitted, and the CMS signature. */
    public record Signed(byte[] content, byte[] signature) {}

    public record Attachment(String filename, String contentType, byte[] bytes) {
        public boolean isXdm() {
            return filename != null && filename.equalsIgnoreCase("IHE_XDM.ZIP");
        }

        /** A document a person may attach to a patient: PDF or XML (CDA). */
        public boolean isDocument() {
            String ct = contentType.toLowerCase(Locale.ROOT);
            String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
            return ct.startsWith("application/pdf") || ct.startsWith("text/xml") || ct.startsWith("application/xml")
                    || name.endsWith(".pdf") || name.endsWith(".xml");
        }
    }

    /** Caps; defaults: 64 KB of headers, MIME depth 8, 20 attachments, 50 MB per attachment. */
    public record Limits(int maxHeaderBytes, int maxDepth, int maxAttachments, long maxAttachmentBytes) {
        public static final Limits DEFAULT = new Limits(64 * 1024, 8, 20, 50L << 20);
    }

    private static final Session SESSION = Session.getInstance(lenient());

    public static MailContent parse(byte[] raw, Limits limits) throws MailRejectedException {
        int headerEnd = headerEnd(raw, limits.maxHeaderBytes());
        if (headerEnd < 0) throw new MailRejectedException("header block larger than " + limits.maxHeaderBytes() + " bytes");
        try {
            // A shared stream: the parts are views on the raw bytes, not copies (a 1 MB attachment was copied twice).
            MimeMessage m = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
            String messageId = m.getMessageID();
            String from = firstAddress(m.getHeader("From", ","));
            String dnt = firstAddress(m.getHeader("Disposition-Notification-To", ","));
            String inReplyTo = m.getHeader("In-Reply-To", " ");
            Walk walk = new Walk(limits);
            Kind kind = Kind.MAIL;
            ContentType ct = contentType(m);
            if (ct.match("multipart/report")) {
                String type = String.valueOf(ct.getParameter("report-type")).toLowerCase(Locale.ROOT);
                if (type.equals("disposition-notification")) kind = Kind.MDN;
                if (type.equals("delivery-status")) kind = Kind.DSN;
            }
            walk.part(m, 0);
            return new MailContent(messageId == null ? null : messageId.trim(), from, dnt,
                    inReplyTo == null ? null : inReplyTo.trim(), kind, List.copyOf(walk.attachments), walk.signed, walk.report,
                    subject(m));
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new MailRejectedException("MIME structure cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static final class Walk {
        final Limits limits;
        final List<Attachment> attachments = new ArrayList<>();
        final Map<String, String> report = new LinkedHashMap<>();
        Signed signed;

        Walk(Limits limits) {
            this.limits = limits;
        }

        void part(Part p, int depth) throws MessagingException, IOException, MailRejectedException {
            if (depth > limits.maxDepth()) throw new MailRejectedException("MIME nesting deeper than " + limits.maxDepth());
            ContentType ct = contentType(p);
            if (ct.match("multipart/signed")) {
                Multipart mp = multipart(p);
                if (signed == null) signed = new Signed(signedEntity(p, ct), mp.getCount() > 1 ? read(mp.getBodyPart(1), 1 << 20) : new byte[0]);
                if (mp.getCount() > 0) part(mp.getBodyPart(0), depth + 1);   // part 2 is the signature
                return;
            }
            if (ct.match("application/pkcs7-mime") || ct.match("application/x-pkcs7-mime")) {
                throw new MailRejectedException("S/MIME encrypted or opaque-signed content (application/pkcs7-mime) is not supported");
            }
            if (ct.getPrimaryType().equalsIgnoreCase("multipart")) {
                Multipart mp = multipart(p);
                for (int i = 0; i < mp.getCount(); i++) part(mp.getBodyPart(i), depth + 1);
                return;
            }
            if (ct.match("message/disposition-notification") || ct.match("message/delivery-status")) {
                fields(read(p, 256 * 1024));
                return;
            }
            if (ct.match("text/rfc822-headers") || ct.match("message/rfc822-headers")) {
                // a DSN returns the headers of the bounced mail: its Message-ID is the one to update
                String headers = new String(read(p, 256 * 1024), StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]+", " ");
                for (String line : headers.split("\r?\n")) {
                    if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) report.putIfAbsent("original-message-id", line.substring(11).trim());
                }
                return;
            }
            String filename = filename(p);
            boolean attachment = filename != null || Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())
                    || ct.match("application/*");
            if (!attachment || ct.match("application/pkcs7-signature") || ct.match("application/x-pkcs7-signature")) return;
            if (attachments.size() >= limits.maxAttachments()) {
                throw new MailRejectedException("more than " + limits.maxAttachments() + " attachments");
            }
            attachments.add(new Attachment(filename, ct.getBaseType().toLowerCase(Locale.ROOT), read(p, limits.maxAttachmentBytes())));
        }

        /** RFC 8098 / RFC 3464 fields, unfolded; for a DSN the per-recipient fields overwrite the per-message ones. */
        void fields(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]+", " ");
            for (String line : text.split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) report.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
    }

    /**
     * The first body part of a multipart/signed exactly as transmitted (RFC 8551 3.5: the signature covers those bytes,
     * headers included): from after the first boundary line to the CRLF before the next boundary. Re-serialising the
     * parsed part could change folding or line ends and break a good signature.
     */
    static byte[] signedEntity(Part p, ContentType ct) throws MessagingException, IOException {
        String boundary = ct.getParameter("boundary");
        if (boundary == null) return new byte[0];
        byte[] body;
        try (InputStream raw = p instanceof MimeBodyPart bp ? bp.getRawInputStream() : p instanceof MimeMessage m ? m.getRawInputStream() : null) {
            if (raw == null) return new byte[0];
            body = raw.readAllBytes();
        }
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int first = boundaryLine(body, dash, 0);
        if (first < 0) return new byte[0];
        int start = first + dash.length;
        while (start < body.length && body[start] != '\n') start++;   // transport padding, then CRLF
        start++;
        int next = boundaryLine(body, dash, start);
        if (next < 0 || start > next) return new byte[0];
        int end = next;
        if (end > start && body[end - 1] == '\n') end--;
        if (end > start && body[end - 1] == '\r') end--;
        return java.util.Arrays.copyOfRange(body, start, end);
    }

    /** Index of {@code dash} at the start of a line, from {@code from}; -1 if none. */
    private static int boundaryLine(byte[] b, byte[] dash, int from) {
        outer:
        for (int i = from; i <= b.length - dash.length; i++) {
            if (i > 0 && b[i - 1] != '\n') continue;
            for (int j = 0; j < dash.length; j++) if (b[i + j] != dash[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static Multipart multipart(Part p) throws MessagingException, IOException {
        Object content = p.getContent();
        if (content instanceof Multipart mp) return mp;
        throw new MessagingException("multipart without parts");
    }

    private static byte[] read(Part p, long max) throws MessagingException, IOException, MailRejectedException {
        byte[] fast = readBase64(p, max);
        if (fast != null) return fast;
        try (InputStream in = p instanceof BodyPart bp ? bp.getInputStream() : p.getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) throw new MailRejectedException("attachment larger than " + max + " bytes");
            return bytes;
        }
    }

    /**
     * A base64 part decoded in one go by the JDK's decoder from its raw bytes (a view on the mail): Jakarta Mail's
     * decoding stream goes byte by byte and was the first CPU cost of reading a mail with a 1 MB PDF. Null (the caller
     * then uses Jakarta Mail's stream, as before) for other encodings or an encoding error, so what a malformed part
     * gives does not change.
     */
    private static byte[] readBase64(Part p, long max) throws MessagingException, IOException, MailRejectedException {
        if (!(p instanceof MimePart mp) || !"base64".equalsIgnoreCase(String.valueOf(mp.getEncoding()).trim())) return null;
        InputStream raw = p instanceof MimeBodyPart bp ? bp.getRawInputStream() : p instanceof MimeMessage m ? m.getRawInputStream() : null;
        if (raw == null) return null;
        byte[] encoded;
        try (raw) {
            // base64 is 4 bytes for 3, plus CRLF every 76: longer (odd line lengths, or too large) is left to the exact path
            long cap = (max / 3 + 1) * 4 * 80 / 76 + 4096;
            // the part is a view on the mail's bytes (SharedByteArrayInputStream): its exact length is known, so it is
            // read in one copy, not into readNBytes's growing chunks (twice its size)
            int known = raw instanceof java.io.ByteArrayInputStream ? raw.available() : -1;
            if (known > cap) return null;
            encoded = known >= 0 ? raw.readAllBytes() : raw.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            if (encoded.length > cap) return null;
        }
        // Line breaks and anything else outside the alphabet are dropped in place (the array is this method's copy),
        // as Jakarta Mail and the JDK's MIME decoder both ignore them; the basic decoder then needs no counting pass
        // of its own. Jakarta Mail refuses a stream that does not end on a whole 4-character group; so does this.
        int n = compactBase64(encoded);
        if (n % 4 != 0) return null;
        byte[] bytes;
        try {
            java.nio.ByteBuffer out = java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(encoded, 0, n));
            bytes = out.arrayOffset() == 0 && out.position() == 0 && out.remaining() == out.array().length ? out.array()
                    : java.util.Arrays.copyOfRange(out.array(), out.arrayOffset() + out.position(), out.arrayOffset() + out.limit());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length > max) throw new MailRejectedException("attachment larger than " + max + " bytes");
        return bytes;
    }

    /** 1 for the base64 alphabet and '=': a table, since range tests branch unpredictably on random data (28 % of a profile). */
    private static final byte[] BASE64_CHAR = new byte[256];

    static {
        for (byte b : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".getBytes(StandardCharsets.US_ASCII)) BASE64_CHAR[b] = 1;
    }

    /** Keeps the base64 alphabet and '=' at the front of the array, in order; returns how many. */
    private static int compactBase64(byte[] encoded) {
        int n = 0;
        for (byte b : encoded) {
            encoded[n] = b;
            n += BASE64_CHAR[b & 0xff];
        }
        return n;
    }

    private static ContentType contentType(Part p) throws MessagingException {
        String value = p.getContentType();
        try {
            return new ContentType(value == null ? "text/plain" : value);
        } catch (jakarta.mail.internet.ParseException e) {
            return new ContentType("application/octet-stream");
        }
    }

    private static String filename(Part p) {
        try {
            String name = p.getFileName();
            return name == null ? null : MimeUtility.decodeText(name).trim();
        } catch (MessagingException | java.io.UnsupportedEncodingException | RuntimeException e) {
            return "unreadable-name";
        }
    }

    /** The decoded Subject (for the receipts), null when absent or unreadable. */
    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static String firstAddress(String header) {
        if (header == null) return null;
        try {
            jakarta.mail.internet.InternetAddress[] a = jakarta.mail.internet.InternetAddress.parseHeader(header, false);
            return a.length == 0 ? null : a[0].getAddress().toLowerCase(Locale.ROOT);
        } catch (jakarta.mail.internet.AddressException e) {
            return null;
        }
    }

    /** Index after the blank line ending the header block, or -1 when none within {@code max} bytes. */
    static int headerEnd(byte[] raw, int max) {
        int limit = Math.min(raw.length, max);
        for (int i = 0; i + 1 < limit; i++) {
            if (raw[i] == '\n' && raw[i + 1] == '\n') return i + 2;
            if (raw[i] == '\n' && raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n') return i + 3;
        }
        return raw.length <= max ? raw.length : -1;
    }

    private static Properties lenient() {
        Properties p = new Properties();
        p.put("mail.mime.address.strict", "false");
        p.put("mail.mime.decodetext.strict", "false");
        p.put("mail.mime.parameters.strict", "false");
        p.put("mail.mime.multipart.ignoremissingboundaryparameter", "true");
        return p;
    }
}
