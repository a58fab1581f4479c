package fr.crt.hub.dui;

/**
 * A message the hub will not apply, with what an HL7 ERR segment needs to say why.
 *
 * @see <a href="https://hl7-definition.caristix.com/v2/HL7v2.5/Tables/0357">HL7 table 0357</a>
 */
public class MessageRejectedException extends RuntimeException {
    /** Table 0357 codes used by the hub. */
    public static final int REQUIRED_FIELD_MISSING = 101;
    public static final int DATA_TYPE_ERROR = 102;
    public static final int TABLE_VALUE_NOT_FOUND = 103;
    public static final int UNSUPPORTED_MESSAGE_TYPE = 200;
    public static final int UNSUPPORTED_EVENT_CODE = 201;
    public static final int UNSUPPORTED_VERSION_ID = 203;
    public static final int UNKNOWN_KEY_IDENTIFIER = 204;
    public static final int APPLICATION_INTERNAL_ERROR = 207;
    public static final int SEGMENT_SEQUENCE_ERROR = 100;

    private final String location;
    private final int errorCode;
    /** true → AR (rejected: the sender must not resend as is); false → AE (error in content). */
    private final boolean reject;

    public MessageRejectedException(String location, int errorCode, boolean reject, String text) {
        super(text);
        this.location = location;
        this.errorCode = errorCode;
        this.reject = reject;
    }

    /** ERR-2 location, e.g. {@code PID-3} or {@code MSH-9}. */
    public String location() { return location; }

    public int errorCode() { return errorCode; }

    public boolean reject() { return reject; }
}
