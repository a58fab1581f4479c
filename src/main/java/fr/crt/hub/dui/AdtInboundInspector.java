package fr.crt.hub.dui;

import static fr.crt.hub.dui.MessageRejectedException.APPLICATION_INTERNAL_ERROR;
import static fr.crt.hub.dui.MessageRejectedException.DATA_TYPE_ERROR;
import static fr.crt.hub.dui.MessageRejectedException.REQUIRED_FIELD_MISSING;
import static fr.crt.hub.dui.MessageRejectedException.SEGMENT_SEQUENCE_ERROR;
import static fr.crt.hub.dui.MessageRejectedException.TABLE_VALUE_NOT_FOUND;
import static fr.crt.hub.dui.MessageRejectedException.UNSUPPORTED_EVENT_CODE;
import static fr.crt.hub.dui.MessageRejectedException.UNSUPPORTED_MESSAGE_TYPE;
import static fr.crt.hub.dui.MessageRejectedException.UNSUPPORTED_VERSION_ID;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import fr.crt.hub.connector.ClientCertificate;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.identity.InsProperties;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Decides, before the sender is acknowledged, whether an inbound PAM-FR message can be taken: size,
 * charset, syntax, version, type, sender, and the content checks of the PAM-FR mapping (required fields,
 * NIR key). Pure decision, no I/O: the receiver stores whatever is decided.
 */
@Component
public class AdtInboundInspector {

    /** Triggers the PAM-FR mapping understands. */
    public static final Set<String> SUPPORTED_TRIGGERS = Set.of("A01", "A02", "A03", "A04", "A05", "A06", "A07",
            "A08", "A11", "A12", "A13", "A21", "A22", "A28", "A31", "A38", "A40", "A47");

    private final ConnectorRegistry connectors;
    private final PamFrAdtMapper mapper;
    private final MllpProperties mllp;
    private final InsProperties ins;

    public AdtInboundInspector(ConnectorRegistry connectors, PamFrAdtMapper mapper, MllpProperties mllp, InsProperties ins) {
        this.connectors = connectors;
        this.mapper = mapper;
        this.mllp = mllp;
        this.ins = ins;
    }

    public InboundVerdict inspect(byte[] raw) {
        return inspect(raw, null);
    }

    /**
     * @param presented the client certificate of the TLS connection the message came on, or null for plain MLLP;
     *                  when given, the partner of MSH-3/4 must be the one whose connector declares this certificate
     */
    public InboundVerdict inspect(byte[] raw, ClientCertificate presented) {
        String controlId = Hl7Charsets.peekMshField(raw, 10);
        String type = component(Hl7Charsets.peekMshField(raw, 9), 0);
        String trigger = component(Hl7Charsets.peekMshField(raw, 9), 1);
        Connector partner = connectors.bySender(component(Hl7Charsets.peekMshField(raw, 3), 0),
                component(Hl7Charsets.peekMshField(raw, 4), 0)).orElse(null);
        Charset charset = StandardCharsets.UTF_8;
        try {
            if (raw.length > mllp.maxMessageBytes()) {
                throw new MessageRejectedException("MSH", APPLICATION_INTERNAL_ERROR, true,
                        "message of " + raw.length + " bytes exceeds the limit of " + mllp.maxMessageBytes() + " bytes");
            }
            if (Hl7Charsets.peekMshField(raw, 3) == null && controlId == null && type == null) {
                throw new MessageRejectedException("MSH", SEGMENT_SEQUENCE_ERROR, true,
                        "not an HL7 v2 message: it must start with an MSH segment");
            }
            charset = charsetOf(raw, partner);
            String text;
            try {
                text = Hl7Charsets.decode(raw, charset);
            } catch (Hl7Charsets.InvalidBytesException e) {
                throw new MessageRejectedException("MSH-18", DATA_TYPE_ERROR, false, e.getMessage());
            }
            Message parsed = parse(text);
            Terser t = new Terser(parsed);
            controlId = get(t, "/MSH-10");
            type = get(t, "/MSH-9-1");
            trigger = get(t, "/MSH-9-2");
            String version = get(t, "/MSH-12-1");
            if (controlId == null || controlId.isBlank()) {
                throw new MessageRejectedException("MSH-10", REQUIRED_FIELD_MISSING, true, "MSH-10 message control id is required");
            }
            if (!"ADT".equals(type)) {
                throw new MessageRejectedException("MSH-9", UNSUPPORTED_MESSAGE_TYPE, true,
                        "message type " + type + " not supported on this listener (ADT only)");
            }
            if (version == null || !version.startsWith("2.5")) {
                throw new MessageRejectedException("MSH-12", UNSUPPORTED_VERSION_ID, true,
                        "version " + version + " not supported: PAM-FR uses 2.5");
            }
            if (trigger == null || !SUPPORTED_TRIGGERS.contains(trigger)) {
                throw new MessageRejectedException("MSH-9", UNSUPPORTED_EVENT_CODE, true,
                        "trigger event " + trigger + " not supported");
            }
            if (partner == null) {
                throw new MessageRejectedException("MSH-3", TABLE_VALUE_NOT_FOUND, true,
                        "unknown sender: no connector declares this sending application and facility");
            }
            if (presented != null && !partner.presents(presented)) {
                String holder = connectors.byCertificate(presented).map(Connector::id)
                        .orElse("'" + presented.subject() + "' (declared by no connector)");
                throw new MessageRejectedException("MSH-3", TABLE_VALUE_NOT_FOUND, true,
                        "certificate of partner " + holder + " cannot send as partner " + partner.id());
            }
            if (!partner.accepts(type + "^" + trigger)) {
                throw new MessageRejectedException("MSH-9", UNSUPPORTED_EVENT_CODE, true,
                        type + "^" + trigger + " is not accepted from partner " + partner.id());
            }
            AdtMapping mapping = mapper.map(parsed, partner, ins.acceptTestOids());
            return new InboundVerdict(partner, parsed, charset, controlId, type, trigger, null, List.copyOf(mapping.issues()));
        } catch (MessageRejectedException e) {
            return new InboundVerdict(partner, null, charset, controlId, type, trigger, e, List.of());
        } catch (RuntimeException e) {
            // The mapper or HAPI failed in a way we did not foresee: the sender gets an AE, the message is kept.
            return new InboundVerdict(partner, null, charset, controlId, type, trigger,
                    new MessageRejectedException("MSH", APPLICATION_INTERNAL_ERROR, false,
                            "internal error while reading the message (" + e.getClass().getSimpleName() + ")"),
                    List.of());
        }
    }

    private Charset charsetOf(byte[] raw, Connector partner) {
        String label = Hl7Charsets.peekMsh18(raw);
        if (label == null) {
            String dflt = partner != null && partner.defaultCharset() != null ? partner.defaultCharset() : "UTF-8";
            return Hl7Charsets.forMsh18(dflt).orElse(StandardCharsets.UTF_8);
        }
        // MSH-18 may repeat (alternate character sets): the first repetition is the one the message is in.
        String first = label.split("~", 2)[0];
        return Hl7Charsets.forMsh18(first).orElseThrow(() -> new MessageRejectedException("MSH-18", TABLE_VALUE_NOT_FOUND,
                true, "character set '" + first + "' is not supported"));
    }

    private static Message parse(String text) {
        return Hl7Parsing.parse(text);
    }

    private static String get(Terser t, String path) {
        try {
            return t.get(path);
        } catch (HL7Exception e) {
            throw new MessageRejectedException(path.substring(1, 7).replaceAll("-$", ""), DATA_TYPE_ERROR, true,
                    "cannot read " + path.substring(1));
        }
    }

    private static String component(String field, int index) {
        if (field == null) return null;
        String[] parts = field.split("\\^", -1);
        if (index >= parts.length) return null;
        String v = parts[index].split("&", 2)[0].trim();
        return v.isEmpty() ? null : v;
    }
}
