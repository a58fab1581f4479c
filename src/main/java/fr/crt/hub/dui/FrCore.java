package fr.crt.hub.dui;

import java.util.Set;

/**
 * Canonical URLs, code systems and OIDs of FR Core 2.1.0 (hl7.fhir.fr.core package) and of the French
 * identifier namespaces the PAM-FR mapping writes. Taken from the package JSON, kept in one place so a FR Core
 * upgrade is one diff.
 */
public final class FrCore {

    private FrCore() {}

    static final String CANONICAL = "https://hl7.fr/ig/fhir/core/StructureDefinition/";
    static final String PROFILE_PATIENT = CANONICAL + "fr-core-patient";
    static final String PROFILE_PATIENT_INS = CANONICAL + "fr-core-patient-ins";
    static final String PROFILE_ENCOUNTER = CANONICAL + "fr-core-encounter";

    static final String EXT_IDENTITY_RELIABILITY = CANONICAL + "fr-core-identity-reliability";
    static final String EXT_BIRTH_LIST_GIVEN_NAME = CANONICAL + "fr-core-patient-birth-list-given-name";
    static final String EXT_ADDRESS_INSEE_CODE = CANONICAL + "fr-core-address-insee-code";
    static final String EXT_BIRTHDATE_UPDATE_INDICATOR = CANONICAL + "fr-core-patient-birthdate-update-indicator";
    /** Core extension (hl7.fhir.uv.extensions) used by FR Core for the birth place. */
    static final String EXT_BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";

    static final String CS_V2_0203_FR = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";
    static final String CS_V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    static final String CS_IDENTITY_STATUS = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445";
    static final String CS_METHOD_COLLECTION = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-method-collection";
    static final String CS_VALIDATION_MODE = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-mode-validation-identity";
    static final String CS_ENCOUNTER_IDENTIFIER_TYPE = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identifier-type";
    static final String CS_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    /** INSEE commune codes, the system FR Core's fr-core-vs-insee-code value set includes. */
    static final String CS_INSEE_COMMUNE = "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM";

    /** Hub-local tag system saying why an INS received was not carried (meta.tag; example binding only). */
    public static final String CS_HUB_INS_WITHHELD = "https://crt-hub.fr/fhir/CodeSystem/ins-withheld";

    // INS OIDs: one source, the identity capability
    static final String OID_INS_NIR = fr.crt.hub.identity.IdentityFhir.OID_NIR;
    static final String OID_INS_NIA = fr.crt.hub.identity.IdentityFhir.OID_NIA;
    static final String OID_INS_NIR_TEST = fr.crt.hub.identity.IdentityFhir.OID_NIR_TEST;
    static final String OID_INS_NIR_DEMO = fr.crt.hub.identity.IdentityFhir.OID_NIR_DEMO;
    static final Set<String> INS_OIDS = fr.crt.hub.identity.IdentityFhir.INS_OIDS;
    static final Set<String> TEST_INS_OIDS = fr.crt.hub.identity.IdentityFhir.TEST_OIDS;
    /** Structures (FINESS / national structure id). */
    static final String OID_STRUCTURES = "1.2.250.1.71.4.2.2";

    /** fr-core-cs-v2-0203 type code for each INS OID. */
    static String insTypeCode(String oid) {
        return switch (oid) {
            case OID_INS_NIR -> "INS-NIR";
            case OID_INS_NIA -> "INS-NIA";
            case OID_INS_NIR_TEST -> "INS-NIR-TEST";
            case OID_INS_NIR_DEMO -> "INS-NIR-DEMO";
            default -> throw new IllegalArgumentException("not an INS OID");
        };
    }

    /** Identity statuses of fr-core-cs-v2-0445 (PID-32 values PAM-FR uses). */
    static final Set<String> IDENTITY_STATUSES = Set.of("VIDE", "PROV", "VALI", "DOUB", "DESA", "DPOT", "DOUA", "COLP",
            "COLV", "FILI", "CACH", "ANOM", "IDVER", "RECD", "IDRA", "USUR", "HOMD", "HOMA", "INVA", "FICT", "DOUT");

    /** Statuses that, next to VALI, mean the identity must not be relied on. */
    static final Set<String> STATUSES_FORBIDDING_INS = Set.of("DOUT", "FICT", "USUR", "INVA", "DESA", "CACH", "ANOM",
            "COLV", "DOUA");

    /** FHIR urn:oid syntax (what the validator accepts). */
    static boolean isOid(String value) {
        return value != null && value.matches("[0-2](\\.(0|[1-9][0-9]*))+");
    }
}
