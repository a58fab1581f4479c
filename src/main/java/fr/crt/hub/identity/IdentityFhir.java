package fr.crt.hub.identity;

import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * How identity vigilance reads and writes the FR Core identity of a Patient: the INS identifier slices and the
 * {@code fr-core-identity-reliability} extension. URLs are those of {@code dui.FrCore} (package-private there).
 *
 * <p><b>Status codes.</b> The four exclusive confidence statuses of the RNIV [EXI SI 07] (PROV, RECUP, VALI, QUAL)
 * are written with FR Core 2.2.0's {@code fr-core-cs-identity-status}; the 2.1.0 package the hub validates with binds
 * {@code identityStatus} to HL7 table 0445 (which has no RECUP/QUAL) with an <i>extensible</i> strength, so another
 * code system is allowed where 0445 has no code for the concept. PROV received in PID-32 (table 0445) is read as the
 * same PROV.
 */
public final class IdentityFhir {

    private IdentityFhir() {}

    static final String CANONICAL = "https://hl7.fr/ig/fhir/core/StructureDefinition/";
    public static final String EXT_IDENTITY_RELIABILITY = CANONICAL + "fr-core-identity-reliability";
    static final String EXT_BIRTH_LIST_GIVEN_NAME = CANONICAL + "fr-core-patient-birth-list-given-name";
    static final String EXT_ADDRESS_INSEE_CODE = CANONICAL + "fr-core-address-insee-code";
    static final String EXT_BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
    public static final String PROFILE_PATIENT_INS = CANONICAL + "fr-core-patient-ins";

    /** RNIV confidence statuses (FR Core 2.2.0). */
    public static final String CS_IDENTITY_STATUS = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status";
    static final String CS_V2_0445 = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445";
    static final String CS_V2_0203_FR = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";
    public static final String CS_METHOD_COLLECTION = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-method-collection";
    public static final String CS_VALIDATION_MODE =
            "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-mode-validation-identity";

    public static final String PROV = "PROV";
    public static final String RECUP = "RECUP";
    public static final String VALI = "VALI";
    public static final String QUAL = "QUAL";
    /** The exclusive confidence statuses (plus VIDE, "non encore qualifiée", of table 0445). */
    static final Set<String> CONFIDENCE_STATUSES = Set.of(PROV, RECUP, VALI, QUAL, "VIDE");
    /**
     * Identity attributes (RNIV: douteuse, fictive) and table-0445 states after which the identity must not be
     * matched to an INS automatically.
     */
    static final Set<String> NO_AUTOMATIC_INS = Set.of("DOUT", "FICT", "USUR", "INVA", "DESA", "CACH", "ANOM", "COLV",
            "DOUA");

    public static final String OID_NIR = "1.2.250.1.213.1.4.8";
    public static final String OID_NIA = "1.2.250.1.213.1.4.9";
    public static final String OID_NIR_TEST = "1.2.250.1.213.1.4.10";
    public static final String OID_NIR_DEMO = "1.2.250.1.213.1.4.11";
    public static final Set<String> INS_OIDS = Set.of(OID_NIR, OID_NIA, OID_NIR_TEST, OID_NIR_DEMO);
    public static final Set<String> TEST_OIDS = Set.of(OID_NIR_TEST, OID_NIR_DEMO);

    /** Every identityStatus code the Patient carries, in order. */
    public static Set<String> statuses(Patient p) {
        Set<String> out = new LinkedHashSet<>();
        for (Extension e : p.getExtensionsByUrl(EXT_IDENTITY_RELIABILITY)) {
            for (Extension s : e.getExtensionsByUrl("identityStatus")) {
                if (s.getValue() instanceof Coding c && c.hasCode()) {
                    out.add(c.getCode());
                }
            }
        }
        return out;
    }

    public static List<Identifier> insIdentifiers(Patient p) {
        return p.getIdentifier().stream()
                .filter(i -> i.hasValue() && i.hasSystem() && i.getSystem().startsWith("urn:oid:")
                        && INS_OIDS.contains(i.getSystem().substring(8)))
                .toList();
    }

    /** Whether INSi should be asked about {@code p}: active, no INS or status PROV, no attribute forbidding it. */
    public static boolean needsInsiCheck(Patient p) {
        if (p.hasActive() && !p.getActive()) {
            return false;
        }
        Set<String> st = statuses(p);
        if (st.stream().anyMatch(NO_AUTOMATIC_INS::contains)) {
            return false;
        }
        return insIdentifiers(p).isEmpty() || st.contains(PROV);
    }

    /** Whether an attribute (douteuse, fictive…) forbids an automatic INS for {@code p}. */
    public static boolean insForbidden(Patient p) {
        return statuses(p).stream().anyMatch(NO_AUTOMATIC_INS::contains);
    }

    /** The INS identifier as FR Core's INS-NIR/INS-NIA (or test/demo) slice wants it. */
    public static Identifier insIdentifier(String ins, String oid) {
        String code = switch (oid) {
            case OID_NIR -> "INS-NIR";
            case OID_NIA -> "INS-NIA";
            case OID_NIR_TEST -> "INS-NIR-TEST";
            case OID_NIR_DEMO -> "INS-NIR-DEMO";
            default -> throw new IllegalArgumentException("not an INS OID");
        };
        return new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL)
                .setType(new CodeableConcept(new Coding().setSystem(CS_V2_0203_FR).setCode(code)))
                .setSystem("urn:oid:" + oid).setValue(ins);
    }

    /**
     * Sets the confidence status of {@code p} to {@code code} (statuses are exclusive: any other confidence status is
     * removed; attributes such as DOUB are kept) and returns the reliability extension carrying it.
     */
    public static Extension setConfidenceStatus(Patient p, String code, String display) {
        Extension target = null;
        for (Extension e : List.copyOf(p.getExtensionsByUrl(EXT_IDENTITY_RELIABILITY))) {
            List<Extension> st = e.getExtensionsByUrl("identityStatus");
            boolean confidence = st.stream().anyMatch(s -> s.getValue() instanceof Coding c
                    && CONFIDENCE_STATUSES.contains(c.getCode()));
            if (confidence || st.isEmpty()) {
                if (target == null) {
                    target = e;
                    e.getExtension().removeIf(x -> "identityStatus".equals(x.getUrl()));
                } else if (confidence) {
                    p.getExtension().remove(e);
                }
            }
        }
        if (target == null) {
            target = new Extension(EXT_IDENTITY_RELIABILITY);
            p.getExtension().add(0, target);
        }
        target.getExtension().add(0, new Extension("identityStatus", new Coding(CS_IDENTITY_STATUS, code, display)));
        return target;
    }

    public static void setSubExtension(Extension parent, String url, org.hl7.fhir.r4.model.Type value) {
        parent.getExtension().removeIf(x -> url.equals(x.getUrl()));
        parent.addExtension(url, value);
    }

    public static DateType today() {
        return new DateType(new Date(), ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY);
    }
}
