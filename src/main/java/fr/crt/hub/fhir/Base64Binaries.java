package fr.crt.hub.fhir;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * A {@link Base64BinaryType} holding large content, with its text form encoded by the JDK.
 *
 * <p>HAPI's {@code setValue(byte[])} encodes at once with commons-codec, whose encoder grows its buffer step by step:
 * for a 1 MB PDF received by MSSanté it was a quarter of the processing thread's CPU and 7 MB of garbage per mail,
 * for a string that HAPI's binary storage drops a moment later when it moves the content out of the resource. The
 * JDK encoder is five times faster and allocates the result once. HAPI's class is kept (its name lookup, its binary
 * storage and its parsers know it); only its two fields are filled directly. Should a HAPI upgrade rename them, the
 * value goes through {@code setValue} as before: slower, never wrong ({@code Base64BinariesTest} says which).
 */
public final class Base64Binaries {

    private static final VarHandle VALUE;
    private static final VarHandle COERCED;
    private static final VarHandle STRING;

    static {
        VarHandle value = null;
        VarHandle coerced = null;
        VarHandle string = null;
        try {
            value = MethodHandles.privateLookupIn(Base64BinaryType.class, MethodHandles.lookup())
                    .findVarHandle(Base64BinaryType.class, "myValue", byte[].class);
            MethodHandles.Lookup primitive = MethodHandles.privateLookupIn(PrimitiveType.class, MethodHandles.lookup());
            coerced = primitive.findVarHandle(PrimitiveType.class, "myCoercedValue", Object.class);
            string = primitive.findVarHandle(PrimitiveType.class, "myStringValue", String.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            value = null;
        }
        VALUE = value;
        COERCED = coerced;
        STRING = string;
    }

    private Base64Binaries() {}

    /** True when the fast path is in use (the fields were found). */
    public static boolean direct() {
        return VALUE != null;
    }

    /** The same element {@code new Base64BinaryType(bytes)} makes. */
    public static Base64BinaryType of(byte[] bytes) {
        Base64BinaryType t = new Base64BinaryType();
        if (bytes == null || VALUE == null) return bytes == null ? t : t.setValue(bytes);
        VALUE.set(t, bytes);
        COERCED.set(t, bytes);
        // base64 is ASCII: a Latin-1 string takes the bytes as they are (compact strings, no UTF-8 decoding pass)
        STRING.set(t, new String(Base64.getEncoder().encode(bytes), StandardCharsets.ISO_8859_1));
        return t;
    }
}
