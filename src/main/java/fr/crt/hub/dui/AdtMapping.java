package fr.crt.hub.dui;

import java.util.List;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * What one PAM-FR ADT message says, as canonical FHIR R4, before it is applied to the repository.
 * Produced by {@link PamFrAdtMapper} without any I/O; applied by the canonical writer.
 *
 * @param trigger        event, e.g. {@code A01}
 * @param patient        the person as the message describes it (never null)
 * @param encounter      the stay, or null when the event carries no stay (A28, A31, A40, A47)
 * @param movement       the ZBE movement (id, action, time), or null
 * @param priorIdentifiers MRG-1 identifiers of the patient being merged away (A40) or renamed (A47)
 * @param issues         non-blocking findings to record on the message (e.g. NIR contradicts traits)
 * @param dmp            DMP status and consents carried by ZFA, or null when the message has no ZFA
 */
public record AdtMapping(
        String trigger,
        Patient patient,
        Encounter encounter,
        Movement movement,
        List<Identifier> priorIdentifiers,
        List<String> issues,
        DmpConsent dmp) {

    /** Compatibility constructor for mappings without ZFA content. */
    public AdtMapping(String trigger, Patient patient, Encounter encounter, Movement movement,
                      List<Identifier> priorIdentifiers, List<String> issues) {
        this(trigger, patient, encounter, movement, priorIdentifiers, issues, null);
    }

    /**
     * A ZBE movement: its id in the partner's system, the action and the time it happened.
     *
     * @param id               ZBE-1 (first component of the first repetition)
     * @param action           ZBE-4: INSERT, UPDATE or CANCEL
     * @param time             ZBE-2: when the movement happened
     * @param originalTrigger  ZBE-6: the trigger of the movement updated or cancelled (UPDATE/CANCEL only)
     * @param historical       ZBE-5: true when the movement is a historical one (not the current position)
     * @param nature           ZBE-9: nature of the movement (S, H, M, L, D, SM, or combinations like HMS)
     */
    public record Movement(String id, String action, java.util.Date time, String originalTrigger,
                           Boolean historical, String nature) {
        public Movement(String id, String action, java.util.Date time, String originalTrigger) {
            this(id, action, time, originalTrigger, null, null);
        }
    }

    /**
     * DMP (national shared record) situation as the partner recorded it (PAM-FR ZFA segment). Needed before
     * anything is published to the DMP (DESIGN: least privilege and consent).
     *
     * @param dmpStatus                 ZFA-1: ACTIF, INEXISTANT, FERME…
     * @param feedingOpposition         ZFA-9: opposition of the person to feeding the DMP (INO, IO, NA…)
     * @param feedingOppositionTime     ZFA-10
     * @param consultationConsent       ZFA-11: consent to professionals consulting the DMP (IC, INC, NA…)
     * @param consultationConsentTime   ZFA-12
     */
    public record DmpConsent(String dmpStatus, String feedingOpposition, java.util.Date feedingOppositionTime,
                             String consultationConsent, java.util.Date consultationConsentTime) {}
}
