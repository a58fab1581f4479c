package fr.crt.hub.identity;

/**
 * The five strict INS traits (Référentiel INS: nom de naissance, prénom(s) de naissance, date de naissance, sexe,
 * code du lieu de naissance), the first birth first name being compared on its own. Only these names, never the
 * traits' values, go to logs, tasks and audit details.
 */
public enum InsTrait {
    BIRTH_NAME, FIRST_NAME, FIRST_NAMES, SEX, BIRTH_DATE, BIRTH_PLACE
}
