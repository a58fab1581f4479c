package fr.crt.hub.dui;

import ca.uhn.hl7v2.model.Message;
import fr.crt.hub.connector.Connector;
import java.nio.charset.Charset;
import java.util.List;

/**
 * What the hub decided about one inbound HL7 message before acknowledging it.
 *
 * @param partner    the recognised partner, or null (unknown sender, unreadable header)
 * @param parsed     the parsed message, or null when it could not be parsed
 * @param charset    charset used to read it (declared or defaulted)
 * @param controlId  MSH-10 as far as it could be read
 * @param error      why it is refused, or null when accepted
 * @param issues     non-blocking findings (e.g. NIR contradicts traits) recorded with the message
 */
public record InboundVerdict(
        Connector partner,
        Message parsed,
        Charset charset,
        String controlId,
        String messageType,
        String triggerEvent,
        MessageRejectedException error,
        List<String> issues) {

    public boolean accepted() {
        return error == null;
    }

    /** AA, or AR/AE as the error says. */
    public String ackCode() {
        if (error == null) return "AA";
        return error.reject() ? "AR" : "AE";
    }
}
