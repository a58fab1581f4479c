package fr.crt.hub.dui;

import ca.uhn.hl7v2.model.Segment;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * Reads the PAM-FR ZBE (movement) segment: which movement, what happened to it, when, and in which units.
 *
 * <p>Why: in PAM-FR every stay event is a movement with its own id, and updates/cancellations point at an earlier
 * movement (ZBE-4 UPDATE/CANCEL + ZBE-6 original trigger); the canonical writer needs that to apply A11/A12/A13 or
 * corrections to the right stay history. ZBE is not a HAPI structure, so fields are read with the Terser.
 *
 * <p>Layout (PAM-FR 2.11): ZBE-1 movement id (EI, repeating), ZBE-2 movement date, ZBE-3 (unused), ZBE-4 action,
 * ZBE-5 historical indicator, ZBE-6 original trigger, ZBE-7 medical responsibility unit (XON), ZBE-8 care
 * responsibility unit (XON), ZBE-9 nature of movement. Some senders (the official SGL discharge template) put one
 * field too many before the action: when ZBE-4 is not an action but ZBE-5 is, the segment is read shifted by one
 * and an issue says so.
 */
final class ZbeMovementReader {

    static final Set<String> ACTIONS = Set.of("INSERT", "UPDATE", "CANCEL");

    /** A responsibility unit (UF) from an XON: name (XON-1) and code (XON-10), assigning authority OID if any. */
    record Unit(String name, String code, String authorityOid) {}

    /** What ZBE says; {@code time} keeps its HL7 precision. */
    record Zbe(AdtMapping.Movement movement, DateTimeType time, Unit medicalUnit, Unit careUnit) {}

    private ZbeMovementReader() {}

    static Zbe read(Segment zbe, List<String> issues) {
        int shift = 0;
        String action = Hl7Values.get(zbe, 4, 0, 1, 1);
        if (action == null || !ACTIONS.contains(action)) {
            String next = Hl7Values.get(zbe, 5, 0, 1, 1);
            if (next != null && ACTIONS.contains(next)) {
                shift = 1;
                action = next;
                issues.add("ZBE fields shifted: action found in ZBE-5 instead of ZBE-4; ZBE-5..10 read as ZBE-4..9");
            } else if (action == null) {
                throw Hl7Values.missing("ZBE-4", "movement action");
            } else {
                throw Hl7Values.unknownCode("ZBE-4", "movement action");
            }
        }
        String id = Hl7Values.get(zbe, 1, 0, 1, 1);
        if (id == null) {
            throw Hl7Values.missing("ZBE-1", "movement id");
        }
        DateTimeType time = Hl7Values.dateTime(Hl7Values.get(zbe, 2, 0, 1, 1), "ZBE-2");
        if (time == null) {
            throw Hl7Values.missing("ZBE-2", "movement date");
        }
        String historicalField = "ZBE-" + (5 + shift);
        String historicalFlag = Hl7Values.get(zbe, 5 + shift, 0, 1, 1);
        Boolean historical = null;
        if (historicalFlag != null) {
            if (!"Y".equals(historicalFlag) && !"N".equals(historicalFlag)) {
                throw Hl7Values.unknownCode(historicalField, "historical movement indicator");
            }
            historical = "Y".equals(historicalFlag);
        }
        String originalTrigger = Hl7Values.get(zbe, 6 + shift, 0, 1, 1);
        if (!"INSERT".equals(action) && originalTrigger == null) {
            throw Hl7Values.missing("ZBE-" + (6 + shift), "original trigger of the updated/cancelled movement");
        }
        if (originalTrigger != null && !originalTrigger.matches("A\\d\\d")) {
            throw Hl7Values.unknownCode("ZBE-" + (6 + shift), "original trigger");
        }
        Unit medical = unit(zbe, 7 + shift);
        Unit care = unit(zbe, 8 + shift);
        String nature = Hl7Values.get(zbe, 9 + shift, 0, 1, 1);
        AdtMapping.Movement movement = new AdtMapping.Movement(id, action, time.getValue(), originalTrigger,
                historical, nature);
        return new Zbe(movement, time, medical, care);
    }

    private static Unit unit(Segment zbe, int field) {
        String name = Hl7Values.get(zbe, field, 0, 1, 1);
        String code = Hl7Values.get(zbe, field, 0, 10, 1);
        String oid = Hl7Values.get(zbe, field, 0, 6, 2);
        String oidType = Hl7Values.get(zbe, field, 0, 6, 3);
        if (name == null && code == null) {
            return null;
        }
        return new Unit(name, code, "ISO".equals(oidType) && FrCore.isOid(oid) ? oid : null);
    }
}
