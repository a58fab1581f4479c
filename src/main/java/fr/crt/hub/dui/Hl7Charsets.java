package fr.crt.hub.dui;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the bytes of an HL7 v2 message in the charset its MSH-18 declares (HL7 table 0211). Decoding is
 * strict: a byte that is not valid in the declared charset is an error the sender must hear about, never a
 * silently replaced letter in a person's name.
 */
public final class Hl7Charsets {

    private static final Map<String, Charset> TABLE_0211 = Map.ofEntries(
            Map.entry("ASCII", StandardCharsets.US_ASCII),
            Map.entry("8859/1", StandardCharsets.ISO_8859_1),
            Map.entry("8859/15", Charset.forName("ISO-8859-15")),
            Map.entry("UNICODE UTF-8", StandardCharsets.UTF_8),
            Map.entry("UNICODE", StandardCharsets.UTF_8),
            Map.entry("UTF-8", StandardCharsets.UTF_8));

    private Hl7Charsets() {}

    /** The charset named by an MSH-18 value, or empty when the label is not one the hub knows. */
    public static Optional<Charset> forMsh18(String label) {
        if (label == null || label.isBlank()) return Optional.empty();
        String key = label.trim().toUpperCase(Locale.ROOT);
        Charset cs = TABLE_0211.get(key);
        if (cs != null) return Optional.of(cs);
        try {
            return Optional.of(Charset.forName(key));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * MSH-18 read straight from the bytes: the MSH segment is ASCII whatever the charset of the rest.
     * Returns null when absent or when the bytes do not start with an MSH segment.
     */
    public static String peekMsh18(byte[] raw) {
        return peekMshField(raw, 18);
    }

    /** MSH-n (n ≥ 3) read from the raw bytes, without parsing the message; null when absent. */
    public static String peekMshField(byte[] raw, int n) {
        int start = 0;
        while (start < raw.length && (raw[start] == '\r' || raw[start] == '\n' || raw[start] == ' ')) start++;
        if (raw.length - start < 8 || raw[start] != 'M' || raw[start + 1] != 'S' || raw[start + 2] != 'H') return null;
        byte sep = raw[start + 3];
        int field = 1; // the separator itself is MSH-1
        int fieldStart = start + 4;
        for (int i = start + 4; i <= raw.length; i++) {
            boolean end = i == raw.length || raw[i] == '\r' || raw[i] == '\n';
            if (end || raw[i] == sep) {
                field++;
                if (field == n) {
                    String value = new String(raw, fieldStart, i - fieldStart, StandardCharsets.US_ASCII);
                    return value.isEmpty() ? null : value;
                }
                if (end) return null;
                fieldStart = i + 1;
            }
        }
        return null;
    }

    /** Strict decoding; the exception says at which byte offset the first invalid sequence starts. */
    public static String decode(byte[] raw, Charset charset) throws InvalidBytesException {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidBytesException(charset, in.position());
        }
    }

    /** Bytes not valid in the declared charset. */
    public static class InvalidBytesException extends Exception {
        public InvalidBytesException(Charset charset, int offset) {
            super("bytes not valid " + charset.name() + " near offset " + offset);
        }
    }
}
