package fr.crt.hub.insi;

/**
 * An INSi call that gave no usable answer. {@link #retryLater()} tells the caller whether the same question may
 * succeed later (service down, timeout, breaker open, hourly quota spent) or will fail the same way.
 */
public class InsiCallFailed extends Exception {

    public enum Kind {
        /** connection refused/reset, TLS failure, HTTP 5xx without SOAP fault */
        TRANSPORT(true),
        /** connect or read timeout */
        TIMEOUT(true),
        /** circuit breaker open after repeated failures: not called */
        CIRCUIT_OPEN(true),
        /** hourly call quota reached: not called */
        RATE_LIMITED(true),
        /** SOAP fault from INSi; {@link #faultCode()} holds the siram/insi code */
        SOAP_FAULT(false),
        /** a body that is not a valid RESULTAT */
        MALFORMED(false);

        public final boolean transientByDefault;

        Kind(boolean transientByDefault) {
            this.transientByDefault = transientByDefault;
        }
    }

    private final Kind kind;
    private final String faultCode;
    private final boolean retryLater;
    private final String messageId;

    public InsiCallFailed(Kind kind, String faultCode, boolean retryLater, String message, Throwable cause) {
        this(kind, faultCode, retryLater, message, cause, null);
    }

    /** @param messageId the WS-Addressing MessageID of the last request sent, null when none was sent */
    public InsiCallFailed(Kind kind, String faultCode, boolean retryLater, String message, Throwable cause,
                          String messageId) {
        super(message, cause);
        this.kind = kind;
        this.faultCode = faultCode;
        this.retryLater = retryLater;
        this.messageId = messageId;
    }

    public InsiCallFailed(Kind kind, String message, Throwable cause) {
        this(kind, null, kind.transientByDefault, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** e.g. {@code siram_40/insi_102}; null unless {@link Kind#SOAP_FAULT} */
    public String faultCode() {
        return faultCode;
    }

    public boolean retryLater() {
        return retryLater;
    }

    /** MessageID of the last request sent (for the audit trail); null when no request left the hub. */
    public String messageId() {
        return messageId;
    }
}
