package fr.crt.hub.console;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a raw HL7 v2 message into segments and numbered fields for display: the page colours segment names, shows
 * the separators apart and marks the field an error names (ERR-2 location such as {@code PID-3} or
 * {@code PID^1^3}). The template escapes every value; nothing here builds HTML.
 */
public final class Hl7Highlighter {

    /** One field: its HL7 number ({@code PID-3} is 3), text, and whether the error of the message points at it. */
    public record Field(int number, String text, boolean error) {}

    /** One line: segment name (empty when the line is not a segment) and its fields, separator included. */
    public record Segment(String name, String separator, List<Field> fields, boolean error) {}

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9]{2}");

    private Hl7Highlighter() {}

    public static List<Segment> segments(String text, String errorLocation) {
        List<Segment> out = new ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        String errSegment = null;
        int errField = -1;
        if (errorLocation != null && NAME.matcher(errorLocation.trim()).lookingAt()) {
            // ER7 location SEG^sequence^field^..., or the hub's short form SEG-field[-component]
            String loc = errorLocation.trim();
            String[] parts = loc.contains("^") ? loc.split("\\^") : loc.split("-");
            int fieldIndex = loc.contains("^") ? 2 : 1;
            errSegment = parts[0].substring(0, 3);
            if (parts.length > fieldIndex && parts[fieldIndex].matches("\\d+")) errField = Integer.parseInt(parts[fieldIndex]);
        }
        String sep = text.startsWith("MSH") && text.length() > 3 ? String.valueOf(text.charAt(3)) : "|";
        boolean errorShown = false;
        for (String line : text.split("\r\n|\r|\n")) {
            if (line.isEmpty()) continue;
            String name = line.length() >= 3 ? line.substring(0, 3) : "";
            if (!NAME.matcher(name).matches() || (line.length() > 3 && !line.startsWith(sep, 3))) {
                out.add(new Segment("", sep, List.of(new Field(0, line, false)), false));
                continue;
            }
            // The first segment of that name carries the error mark (ERR-2 names the first occurrence unless repeated).
            boolean errorHere = !errorShown && name.equals(errSegment);
            errorShown |= errorHere;
            String[] parts = line.length() > 4 ? line.substring(4).split(java.util.regex.Pattern.quote(sep), -1) : new String[0];
            List<Field> fields = new ArrayList<>();
            for (int i = 0; i < parts.length; i++) {
                // MSH-1 is the separator itself: the first value after it is MSH-2.
                int number = name.equals("MSH") ? i + 2 : i + 1;
                fields.add(new Field(number, parts[i], errorHere && number == errField));
            }
            out.add(new Segment(name, sep, fields, errorHere && errField < 0));
        }
        return out;
    }
}
