package fr.crt.hub.dui;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v25.message.ACK;
import ca.uhn.hl7v2.model.v25.segment.ERR;
import ca.uhn.hl7v2.model.v25.segment.MSH;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Builds the HL7 original-mode acknowledgement for an inbound message: AA, or AE/AR with an ERR segment
 * (ERR-2 location, ERR-3 from table 0357, ERR-4 severity, ERR-8 a readable text). Works even when the
 * message could not be parsed, from whatever MSH fields could be read.
 */
@Component
public class Hl7Acknowledger {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);

    /** The ACK, encoded in the charset the message was read with. */
    public byte[] acknowledge(InboundVerdict verdict, byte[] raw) {
        Charset charset = verdict.charset() == null ? StandardCharsets.UTF_8 : verdict.charset();
        try {
            Message ack = verdict.parsed() != null ? fromParsed(verdict) : fromRaw(verdict, raw);
            if (verdict.error() != null) fillErr(ack, verdict.error());
            return Hl7Parsing.parser().encode(ack).getBytes(charset);
        } catch (HL7Exception | IOException e) {
            // Building an ACK from HAPI structures failed: still answer, never leave the sender hanging.
            String msa = verdict.accepted() ? "AA" : "AR";
            String fallback = "MSH|^~\\&|CRT-HUB|CRT|||" + LocalDateTime.now().format(TS) + "||ACK|" + nextControlId()
                    + "|P|2.5\rMSA|" + msa + "|" + nullToEmpty(verdict.controlId()) + "\r";
            return fallback.getBytes(charset);
        }
    }

    private Message fromParsed(InboundVerdict verdict) throws HL7Exception, IOException {
        AcknowledgmentCode code = AcknowledgmentCode.valueOf(verdict.ackCode());
        Message ack = verdict.parsed().generateACK(code, null);
        MSH msh = (MSH) ack.get("MSH");
        msh.getMessageControlID().setValue(nextControlId());
        if (msh.getSendingApplication().getNamespaceID().getValue() == null) {
            msh.getSendingApplication().getNamespaceID().setValue("CRT-HUB");
        }
        return ack;
    }

    private Message fromRaw(InboundVerdict verdict, byte[] raw) throws HL7Exception, IOException {
        ACK ack = new ACK();
        ack.setParser(Hl7Parsing.parser()); // its id generator does no file I/O
        ack.initQuickstart("ACK", verdict.triggerEvent(), "P");
        MSH msh = ack.getMSH();
        msh.getSendingApplication().getNamespaceID().setValue("CRT-HUB");
        msh.getSendingFacility().getNamespaceID().setValue("CRT");
        msh.getReceivingApplication().getNamespaceID().setValue(first(Hl7Charsets.peekMshField(raw, 3)));
        msh.getReceivingFacility().getNamespaceID().setValue(first(Hl7Charsets.peekMshField(raw, 4)));
        msh.getMessageControlID().setValue(nextControlId());
        ack.getMSA().getAcknowledgmentCode().setValue(verdict.ackCode());
        if (verdict.controlId() != null) ack.getMSA().getMessageControlID().setValue(verdict.controlId());
        return ack;
    }

    private static void fillErr(Message ack, MessageRejectedException error) throws HL7Exception {
        ERR err = (ERR) ack.get("ERR");
        String[] loc = error.location().split("-", 2);
        err.getErrorLocation(0).getSegmentID().setValue(loc[0]);
        err.getErrorLocation(0).getSegmentSequence().setValue("1");
        if (loc.length > 1) err.getErrorLocation(0).getFieldPosition().setValue(loc[1]);
        ErrorCode code = ErrorCode.errorCodeFor(error.errorCode());
        err.getHL7ErrorCode().getIdentifier().setValue(String.valueOf(error.errorCode()));
        err.getHL7ErrorCode().getText().setValue(code.getMessage());
        err.getHL7ErrorCode().getNameOfCodingSystem().setValue("HL70357");
        err.getSeverity().setValue("E");
        err.getUserMessage().setValue(error.getMessage());
    }

    private static String first(String field) {
        return field == null ? null : field.split("\\^", 2)[0];
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String nextControlId() {
        return "HUB" + SEQUENCE.incrementAndGet();
    }
}
