package fr.crt.hub.tddui;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Reads a posted body into a Bundle, strictly: UTF-8 only (FHIR's only charset; a body that is not valid UTF-8 is
 * refused, never guessed), JSON or XML by Content-Type (or by the first character when none), no DOCTYPE in XML
 * (no entity can be declared, so none is expanded), unknown elements refused by HAPI's strict parser. Pure: no I/O.
 */
final class TdduiBody {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final Pattern DOCTYPE = Pattern.compile("(?i)<!DOCTYPE|<!ENTITY");

    private TdduiBody() {}

    /** @throws TdduiRejected 415 (media type, charset) or 400 (not UTF-8, not parseable, XML with a DOCTYPE) */
    static Bundle parse(byte[] raw, String contentType) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String charset = charsetOf(ct);
        if (charset != null && !charset.equals("utf-8") && !charset.equals("utf8")) {
            throw new TdduiRejected(415, IssueType.NOTSUPPORTED, null,
                    "charset " + charset + " not accepted: FHIR bodies are UTF-8");
        }
        String text = utf8(raw);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        boolean xml;
        if (ct.isBlank()) {
            xml = text.stripLeading().startsWith("<");
        } else if (ct.startsWith("application/fhir+json") || ct.startsWith("application/json")) {
            xml = false;
        } else if (ct.startsWith("application/fhir+xml") || ct.startsWith("application/xml") || ct.startsWith("text/xml")) {
            xml = true;
        } else {
            throw new TdduiRejected(415, IssueType.NOTSUPPORTED, null,
                    "media type not accepted: application/fhir+json or application/fhir+xml");
        }
        if (xml && DOCTYPE.matcher(text).find()) {
            throw new TdduiRejected(400, IssueType.SECURITY, null, "XML with a DOCTYPE or ENTITY declaration is refused");
        }
        IParser parser = (xml ? CTX.newXmlParser() : CTX.newJsonParser()).setParserErrorHandler(new StrictErrorHandler());
        IBaseResource parsed;
        try {
            parsed = parser.parseResource(text);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new TdduiRejected(400, IssueType.STRUCTURE, null, "body is not a readable FHIR resource: " + brief(e));
        }
        if (!(parsed instanceof Bundle bundle)) {
            throw new TdduiRejected(422, IssueType.STRUCTURE, null,
                    "a TDDUI transaction Bundle is expected, not a " + parsed.fhirType());
        }
        return bundle;
    }

    private static String charsetOf(String ct) {
        for (String part : ct.split(";")) {
            String p = part.trim();
            if (p.startsWith("charset=")) return p.substring(8).replace("\"", "").trim();
        }
        return null;
    }

    private static String utf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new TdduiRejected(400, IssueType.STRUCTURE, null, "body is not valid UTF-8 (FHIR bodies are UTF-8)");
        }
    }

    /** The parser's message without quoting the body (it may hold health data): first line, capped. */
    private static String brief(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return m.length() > 300 ? m.substring(0, 300) : m;
    }
}
