package fr.crt.hub.identity;

/** Why a person needs a human look (identity vigilance task). */
public enum TaskKind {
    /** INSi found one identity (CR 00) whose traits differ from the local ones: the INS is not used. */
    TRAITS_MISMATCH,
    /** INSi found several identities (CR 02): the traits are not discriminating enough. */
    SEVERAL_IDENTITIES,
    /** INSi found no identity (CR 01): the local traits may be wrong, or the person has no INS. */
    NOT_FOUND,
    /** INSi answered CR 00 with an INS whose form, key or OID cannot be accepted: the INS is not used. */
    INS_INVALID,
    /** INSi could not answer (SOAP fault, malformed answer, or still unavailable after every retry). */
    INSI_FAILED,
    /** The same INS on two active Patients. */
    DUPLICATE_INS,
    /** Near-identical traits on two Patients from different partners with no common INS. */
    POSSIBLE_DUPLICATE
}
