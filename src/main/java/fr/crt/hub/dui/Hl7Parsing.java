package fr.crt.hub.dui;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.ParserConfiguration;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * Builds the one HL7 v2 parser configuration the hub uses for PAM-FR / IHE messages.
 *
 * <p>Why this configuration:
 * <ul>
 *   <li>French messages declare {@code MSH-12 = 2.5^FRA^2.11} (or 2.10); every ADT is read into the HAPI v2.5
 *       structures ({@link CanonicalModelClassFactory}("2.5")), whatever minor version is declared.</li>
 *   <li>Validation is off: HAPI's default rules reject legitimate PAM-FR content; the mapper checks what it uses
 *       and answers AE/AR naming the field (DESIGN rule 2).</li>
 *   <li>Z-segments (ZBE, ZFA, ZFD, ZFM…) are kept by HAPI as non-standard segments inside the structure, where
 *       {@link ca.uhn.hl7v2.util.Terser} finds them.</li>
 *   <li>The official samples use LF (and CRLF) between segments; HL7 requires CR, so separators are normalised
 *       to CR before parsing.</li>
 * </ul>
 * Character decoding (MSH-18) is the transport's job: this class receives text.
 */
public final class Hl7Parsing {

    private Hl7Parsing() {}

    // A HAPI context is costly to build (class factory caches); parsers are used per thread.
    private static final HapiContext CONTEXT = newContext();
    private static final ThreadLocal<PipeParser> PARSER = ThreadLocal.withInitial(CONTEXT::getPipeParser);

    private static HapiContext newContext() {
        ParserConfiguration configuration = new ParserConfiguration();
        configuration.setValidating(false);
        // HAPI's default id generator writes a counter file (id_file) in the working directory on every ACK;
        // the acknowledger sets its own control ids, so an in-memory generator is enough and does no I/O.
        configuration.setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator());
        return new DefaultHapiContext(configuration, ValidationContextFactory.noValidation(),
                new CanonicalModelClassFactory("2.5"));
    }

    /** The non-validating pipe parser producing v2.5 structures, one per thread. */
    public static PipeParser parser() {
        return PARSER.get();
    }

    /** CR, LF and CRLF segment ends → CR; trailing blank lines dropped. */
    public static String normaliseSegmentSeparators(String er7) {
        String normalised = er7.replace("\r\n", "\r").replace('\n', '\r');
        int end = normalised.length();
        while (end > 0 && (normalised.charAt(end - 1) == '\r' || Character.isWhitespace(normalised.charAt(end - 1)))) {
            end--;
        }
        return normalised.substring(0, end) + "\r";
    }

    /**
     * Parses ER7 text.
     *
     * @throws MessageRejectedException AR on MSH when the text is not an HL7 v2 message HAPI can read
     */
    public static Message parse(String er7) {
        if (er7 == null || er7.isBlank()) {
            throw new MessageRejectedException("MSH", MessageRejectedException.SEGMENT_SEQUENCE_ERROR, true, "empty message");
        }
        try {
            return parser().parse(normaliseSegmentSeparators(er7.stripLeading()));
        } catch (HL7Exception e) {
            // HAPI's message may quote content; keep only the location and the error code in the text
            ca.uhn.hl7v2.Location l = e.getLocation();
            String where = l == null || l.getSegmentName() == null ? "MSH"
                    : l.getSegmentName() + (l.getField() > 0 ? "-" + l.getField() : "");
            int code = e.getErrorCode() > 0 ? e.getErrorCode() : MessageRejectedException.SEGMENT_SEQUENCE_ERROR;
            throw new MessageRejectedException(where, code, true, "message cannot be parsed as HL7 v2 (error " + code + ")");
        }
    }
}
