package fr.crt.hub.dui;

import ca.uhn.hl7v2.model.Segment;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * Reads the PAM-FR ZFA segment (DMP status and the person's consents about the DMP).
 *
 * <p>Why: the hub may publish to the DMP only what the person has not opposed (DESIGN rule 4), and ZFA is where the
 * partner's admission desk records it. Codes are kept as sent (ZFA-9 e.g. INO/IO/NA, ZFA-11 e.g. IC/INC/NA): the
 * consent policy, not the parser, decides what they allow.
 */
final class ZfaDmpReader {

    private ZfaDmpReader() {}

    static AdtMapping.DmpConsent read(Segment zfa) {
        String status = Hl7Values.get(zfa, 1, 0, 1, 1);
        String feeding = Hl7Values.get(zfa, 9, 0, 1, 1);
        DateTimeType feedingTime = Hl7Values.dateTime(Hl7Values.get(zfa, 10, 0, 1, 1), "ZFA-10");
        String consultation = Hl7Values.get(zfa, 11, 0, 1, 1);
        DateTimeType consultationTime = Hl7Values.dateTime(Hl7Values.get(zfa, 12, 0, 1, 1), "ZFA-12");
        return new AdtMapping.DmpConsent(status, feeding, feedingTime == null ? null : feedingTime.getValue(),
                consultation, consultationTime == null ? null : consultationTime.getValue());
    }
}
