package fr.crt.hub.tddui;

import java.util.Map;

/** Canonical URLs of the TDDUI profiles the hub carries ({@code src/main/resources/fhir/tddui/}). */
public final class TdduiProfiles {

    private TdduiProfiles() {}

    public static final String BASE = "https://interop.esante.gouv.fr/ig/fhir/tddui/StructureDefinition/";
    public static final String BUNDLE = BASE + "tddui-bundle";
    public static final String PATIENT = BASE + "tddui-patient";
    public static final String PATIENT_INS = BASE + "tddui-patient-ins";
    public static final String CONSENT_ACCORD = BASE + "tddui-consent-accord";
    public static final String CAREPLAN = BASE + "tddui-careplan-projet-personnalise";
    public static final String GOAL_OBJECTIF = BASE + "tddui-goal-objectif";
    public static final String TASK_ACTION = BASE + "tddui-task-action";
    public static final String ENCOUNTER_SEJOUR = BASE + "tddui-encounter-sejour";
    /** The stay identifier (idStay slice of TDDUIEncounterSejour): its system and its type. */
    public static final String STAY_ID_SYSTEM = "https://identifiant-medicosocial-sejour.esante.gouv.fr";
    public static final String ENCOUNTER_IDENTIFIER_CS = "https://interop.esante.gouv.fr/ig/fhir/tddui/CodeSystem/tddui-encounter-identifier";
    /** TDDUI v1 (1.1.0-ballot, CDA-DUI transfer) DocumentReference. */
    public static final String DOCUMENT_REFERENCE_V1 = BASE + "tddui-documentreference";

    /** Profile an entry is validated against when it declares none. */
    static final Map<String, String> DEFAULT_BY_TYPE = Map.of(
            "Patient", PATIENT,
            "Consent", CONSENT_ACCORD,
            "CarePlan", CAREPLAN,
            "Goal", GOAL_OBJECTIF,
            "Task", TASK_ACTION,
            "Encounter", ENCOUNTER_SEJOUR,
            "DocumentReference", DOCUMENT_REFERENCE_V1);
}
