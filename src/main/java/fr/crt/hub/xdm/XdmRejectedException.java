package fr.crt.hub.xdm;

/**
 * An {@code IHE_XDM.ZIP} the hub refuses to read, with a stable reason code an operator can act on. Messages
 * name the rule broken and, at most, an entry name: never document content.
 */
public class XdmRejectedException extends Exception {

    /** Why the package was refused. */
    public enum Reason {
        NOT_A_ZIP, TOO_MANY_ENTRIES, TOO_LARGE, COMPRESSION_RATIO, UNSAFE_ENTRY_NAME, NESTED_ARCHIVE,
        NO_METADATA, UNSAFE_XML, BAD_METADATA, MISSING_DOCUMENT, HASH_MISMATCH, SIZE_MISMATCH
    }

    private final Reason reason;

    public XdmRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public XdmRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
