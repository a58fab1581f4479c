package fr.crt.hub.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Turns a patient identifier into the key the message store indexes: HMAC-SHA256 of {@code system|value} with the
 * hub secret ({@code hub.search.patient-key-secret}). The store can then find every message about a person without
 * holding the INS or IPP in a searchable column, and a copy of the table without the secret tells nothing.
 *
 * <p>Systems: every INS (NIR, NIA, test and demo OIDs) is keyed under {@link #INS} so that a search by INS need not
 * know which OID the sender used; an IPP is keyed under its assigning authority OID (the connector's
 * {@code patientIdSystem}, else PID-3.4.2).
 */
@Component
public class PatientKeys {

    /** System under which every INS is keyed. */
    public static final String INS = "INS";
    /** INS-NIR, INS-NIA, test and demo OIDs (as PAM-FR sends them in PID-3.4.2). */
    public static final Set<String> INS_OIDS = Set.of("1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9",
            "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11");
    /** Development default only: set {@code hub.search.patient-key-secret} (HUB_SEARCH_PATIENT_KEY_SECRET) elsewhere. */
    public static final String DEV_SECRET = "crt-hub-dev-patient-key-secret";

    private final SecretKeySpec key;

    public PatientKeys(@Value("${hub.search.patient-key-secret:" + DEV_SECRET + "}") String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("hub.search.patient-key-secret must have at least 16 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Key of an INS, whatever its OID. */
    public String ins(String value) {
        return key(INS, value);
    }

    /** Key of a local identifier (IPP) under its assigning authority OID (no {@code urn:oid:} prefix). */
    public String local(String systemOid, String value) {
        return key(normaliseSystem(systemOid), value);
    }

    /** Key of {@code system|value}; an INS OID system is keyed as {@link #INS}. */
    public String key(String system, String value) {
        String s = normaliseSystem(system);
        String v = value == null ? "" : value.trim();
        if (s.isEmpty() || v.isEmpty()) throw new IllegalArgumentException("system and value are required");
        if (INS_OIDS.contains(s)) s = INS;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal((s + "|" + v).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String normaliseSystem(String system) {
        if (system == null) return "";
        String s = system.trim();
        if (s.toLowerCase(Locale.ROOT).startsWith("urn:oid:")) s = s.substring(8);
        return s.equalsIgnoreCase(INS) ? INS : s;
    }
}
