package fr.crt.hub.outbound;

/**
 * What one attempt to hand a message to a partner gave.
 *
 * @param result  DELIVERED (ACK AA, HTTP 2xx, file written), RETRY (AE, no answer, timeout, 5xx, connection refused),
 *                REFUSED (AR, HTTP 4xx: definitive, dead letter with the reason)
 * @param reason  why, for the message store (never logged: a partner's answer may quote the message)
 * @param ackCode the HL7 acknowledgement code when there was one
 */
public record DeliveryOutcome(Result result, String reason, String ackCode) {

    public enum Result { DELIVERED, RETRY, REFUSED }

    public static DeliveryOutcome delivered(String ackCode) {
        return new DeliveryOutcome(Result.DELIVERED, null, ackCode);
    }

    public static DeliveryOutcome retry(String reason) {
        return new DeliveryOutcome(Result.RETRY, reason, null);
    }

    public static DeliveryOutcome retry(String reason, String ackCode) {
        return new DeliveryOutcome(Result.RETRY, reason, ackCode);
    }

    public static DeliveryOutcome refused(String reason, String ackCode) {
        return new DeliveryOutcome(Result.REFUSED, reason, ackCode);
    }
}
