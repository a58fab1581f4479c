package fr.crt.hub.outbound;

/** Hands one stored outbound message to a partner, once; retries are the caller's ({@link OutboundDelivery}). */
public interface PartnerSender {

    /** Never throws for a partner-side problem: that is an outcome. */
    DeliveryOutcome send(PartnerOutbound partner, long messageId, String controlId, byte[] raw);
}
