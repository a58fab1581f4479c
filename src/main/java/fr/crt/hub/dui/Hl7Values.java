package fr.crt.hub.dui;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.util.Terser;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;

/**
 * Reading HL7 v2 values into Java/FHIR types, turning anything unreadable into an AE that names the field.
 *
 * <p>Why: HAPI parses non-validating (see {@link Hl7Parsing}), so a bad date or an empty required field reaches the
 * mapper as text; the sender must get an ERR naming that field (DESIGN rule 2), never a stack trace. Error texts
 * never quote the value (it may be personal data).
 */
final class Hl7Values {

    /** Times without an offset are local French times (PAM-FR senders are French systems). */
    static final ZoneId FRANCE = ZoneId.of("Europe/Paris");

    private static final Pattern DTM = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.(\\d{1,4}))?([+-]\\d{4})?");

    private Hl7Values() {}

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    static String trimToNull(String s) {
        return isBlank(s) ? null : s.trim();
    }

    /** Terser read of a component of a (possibly non-standard) segment; null when empty. */
    static String get(Segment segment, int field, int rep, int component, int subcomponent) {
        try {
            return trimToNull(Terser.get(segment, field, rep, component, subcomponent));
        } catch (HL7Exception e) {
            return null;
        }
    }

    static int repetitions(Segment segment, int field) {
        try {
            return segment.getField(field).length;
        } catch (HL7Exception e) {
            return 0;
        }
    }

    /**
     * HL7 DTM/TS ({@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}) to a FHIR dateTime keeping its precision.
     *
     * @return null when the value is empty
     * @throws MessageRejectedException AE DATA_TYPE_ERROR at {@code location} when not a valid date/time
     */
    static DateTimeType dateTime(String value, String location) {
        if (isBlank(value)) {
            return null;
        }
        Matcher m = DTM.matcher(value.trim());
        if (!m.matches()) {
            throw badDate(location);
        }
        try {
            int year = Integer.parseInt(m.group(1));
            int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
            int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
            int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            int millis = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "000").substring(0, 3));
            LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000);
            ZoneId zone = m.group(8) == null ? FRANCE : ZoneOffset.of(m.group(8));
            TemporalPrecisionEnum precision;
            if (m.group(2) == null) {
                precision = TemporalPrecisionEnum.YEAR;
            } else if (m.group(3) == null) {
                precision = TemporalPrecisionEnum.MONTH;
            } else if (m.group(4) == null) {
                precision = TemporalPrecisionEnum.DAY;
            } else if (m.group(6) == null) {
                precision = TemporalPrecisionEnum.MINUTE;
            } else if (m.group(7) == null) {
                precision = TemporalPrecisionEnum.SECOND;
            } else {
                precision = TemporalPrecisionEnum.MILLI;
            }
            Date instant = Date.from(local.atZone(zone).toInstant());
            return new DateTimeType(instant, precision, TimeZone.getTimeZone(zone));
        } catch (DateTimeException | NumberFormatException e) {
            throw badDate(location);
        }
    }

    /** HL7 date (or date/time, time ignored) to a FHIR date at day precision; null when empty. */
    static DateType date(String value, String location) {
        if (isBlank(value)) {
            return null;
        }
        DateTimeType dt = dateTime(value, location);
        if (dt.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
            throw new MessageRejectedException(location, MessageRejectedException.DATA_TYPE_ERROR, false,
                    location + " must give at least a full date (YYYYMMDD)");
        }
        LocalDate d = LocalDate.parse(value.trim().substring(0, 8), java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        return new DateType(d.getYear(), d.getMonthValue() - 1, d.getDayOfMonth());
    }

    static MessageRejectedException badDate(String location) {
        return new MessageRejectedException(location, MessageRejectedException.DATA_TYPE_ERROR, false,
                location + " is not a valid HL7 date/time");
    }

    static MessageRejectedException missing(String location, String what) {
        return new MessageRejectedException(location, MessageRejectedException.REQUIRED_FIELD_MISSING, false,
                location + " (" + what + ") is required");
    }

    static MessageRejectedException unknownCode(String location, String what) {
        return new MessageRejectedException(location, MessageRejectedException.TABLE_VALUE_NOT_FOUND, false,
                location + " (" + what + ") has a value the hub does not know");
    }
}
