package fr.crt.hub.fhir;

import ca.uhn.fhir.model.api.annotation.DatatypeDef;
import java.util.Base64;
import org.hl7.fhir.r4.model.Base64BinaryType;

/**
 * A base64Binary encoded with the JDK's encoder. HAPI's R4 type encodes with commons-codec when the bytes are set and
 * again each time the text form is asked for; for a 1 MB document that was about an eighth of the hub's time per
 * received mail. Same text, same bytes. Declared as base64Binary for HAPI's model scanner (JPA walks every element).
 */
@DatatypeDef(name = "base64Binary")
public final class JdkBase64Binary extends Base64BinaryType {

    /** For HAPI, which may then build base64Binary values of this class when it parses. */
    public JdkBase64Binary() {
        super();
    }

    public JdkBase64Binary(byte[] bytes) {
        super(bytes);
    }

    @Override
    protected String encode(byte[] value) {
        return value == null ? null : Base64.getEncoder().encodeToString(value);
    }

    @Override
    public JdkBase64Binary copy() {
        JdkBase64Binary copy = new JdkBase64Binary(getValue());
        copyValues(copy);
        return copy;
    }
}
