package fr.crt.hub.xdm;

/**
 * ebRIM 3.0 names and the XDS metadata UUIDs (IHE ITI TF-3 §4.2.5, table 4.2.5-1) used in {@code METADATA.XML}.
 */
public final class Ebrs {

    private Ebrs() {}

    public static final String RIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
    public static final String LCM = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";

    public static final String SUBMISSION_SET_NODE = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
    public static final String SS_AUTHOR = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
    public static final String SS_CONTENT_TYPE = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
    public static final String SS_PATIENT_ID = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
    public static final String SS_SOURCE_ID = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
    public static final String SS_UNIQUE_ID = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";

    public static final String DOCUMENT_ENTRY_STABLE = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
    public static final String DE_AUTHOR = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
    public static final String DE_CLASS = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
    public static final String DE_CONFIDENTIALITY = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
    public static final String DE_FORMAT = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
    public static final String DE_FACILITY_TYPE = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
    public static final String DE_PRACTICE_SETTING = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
    public static final String DE_TYPE = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
    public static final String DE_PATIENT_ID = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
    public static final String DE_UNIQUE_ID = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";

    public static final String HAS_MEMBER = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
    public static final String CLASSIFICATION_OBJECT = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification";
}
