package fr.crt.hub.console;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hides health and identity data in a raw HL7 v2 message before the console shows it. Only segments that carry
 * transport and event facts are shown as they are (MSH, EVN, MSA, ERR, ZBE movement); in every other segment (PID,
 * PD1, NK1, PV1, PV2, OBX, NTE, IN1, ZFD…) each value is replaced by {@value #MASK}, keeping the separators, the
 * set id (field 1) and so the structure an operator needs to see which field is filled. Text that is not HL7 is
 * masked whole. Revealing the clear text is an audited act (see {@code MessageDetailController}).
 */
public final class PhiMasker {

    public static final String MASK = "***";
    static final Set<String> CLEAR_SEGMENTS = Set.of("MSH", "EVN", "MSA", "ERR", "ZBE");
    private static final Pattern SEGMENT = Pattern.compile("[A-Z][A-Z0-9]{2}");
    private static final Pattern LINES = Pattern.compile("\r\n|\r|\n");

    private PhiMasker() {}

    public static String mask(String text) {
        if (text == null || text.isEmpty()) return "";
        String[] lines = LINES.split(text, -1);
        boolean hl7 = lines[0].startsWith("MSH") && lines[0].length() >= 8;
        if (!hl7) return MASK;
        char field = lines[0].charAt(3);
        String encoding = lines[0].substring(4, Math.min(8, lines[0].length()));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\r');
            out.append(maskSegment(lines[i], field, encoding));
        }
        return out.toString();
    }

    static String maskSegment(String line, char field, String encoding) {
        if (line.isEmpty()) return line;
        String name = line.length() >= 3 ? line.substring(0, 3) : line;
        if (!SEGMENT.matcher(name).matches() || (line.length() > 3 && line.charAt(3) != field)) return MASK;
        if (CLEAR_SEGMENTS.contains(name)) return line;
        String[] fields = line.split(Pattern.quote(String.valueOf(field)), -1);
        StringBuilder out = new StringBuilder(name);
        for (int i = 1; i < fields.length; i++) {
            out.append(field).append(i == 1 ? fields[i] : maskValues(fields[i], encoding));
        }
        return out.toString();
    }

    /** Replaces every non-empty value between component, repetition and sub-component separators. */
    private static String maskValues(String value, String encoding) {
        if (value.isEmpty()) return value;
        StringBuilder out = new StringBuilder();
        boolean inValue = false;
        for (char c : value.toCharArray()) {
            if (encoding.indexOf(c) >= 0 && c != escape(encoding)) {
                out.append(c);
                inValue = false;
            } else if (!inValue) {
                out.append(MASK);
                inValue = true;
            }
        }
        return out.toString();
    }

    private static char escape(String encoding) {
        return encoding.length() >= 3 ? encoding.charAt(2) : '\\';
    }
}
