package fr.crt.hub.dui;

import static fr.crt.hub.dui.Hl7Values.isBlank;
import static fr.crt.hub.dui.Hl7Values.trimToNull;

import ca.uhn.hl7v2.model.v25.datatype.CX;
import ca.uhn.hl7v2.model.v25.datatype.PL;
import ca.uhn.hl7v2.model.v25.segment.EVN;
import ca.uhn.hl7v2.model.v25.segment.PV1;
import ca.uhn.hl7v2.model.v25.segment.PV2;
import fr.crt.hub.connector.Connector;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * PV1 (+ PV2, EVN, ZBE) → FR Core 2.1.0 Encounter, one per stay, identified by the visit number (PV1-19).
 *
 * <p>Why: the CRT follows people across the stays its partners declare; the stay is keyed by the partner's visit
 * number so that later events (transfer, discharge, cancellation) land on the same Encounter. The status says what
 * the trigger does to the stay; the canonical writer merges it with what is stored.
 *
 * <p>References are logical (Reference.identifier): the mapper does no I/O, so it cannot know resource ids.
 */
final class PamFrEncounterMapper {

    private PamFrEncounterMapper() {}

    static Encounter map(String trigger, PV1 pv1, PV2 pv2, EVN evn, ZbeMovementReader.Zbe zbe, Identifier subject,
                         Connector partner, List<String> issues) {
        Encounter encounter = new Encounter();
        encounter.getMeta().addProfile(FrCore.PROFILE_ENCOUNTER);

        CX visit = pv1.getVisitNumber();
        String visitNumber = trimToNull(visit.getIDNumber().getValue());
        if (visitNumber == null) {
            throw Hl7Values.missing("PV1-19", "visit number");
        }
        encounter.addIdentifier()
                .setType(new CodeableConcept(new Coding(FrCore.CS_ENCOUNTER_IDENTIFIER_TYPE, "VN", "Visit Number")))
                .setSystem("urn:oid:" + visitSystem(visit, partner))
                .setValue(visitNumber);

        String patientClass = trimToNull(pv1.getPatientClass().getValue());
        encounter.setClass_(encounterClass(patientClass));
        encounter.setStatus(status(trigger, patientClass, pv1));

        DateTimeType admit = Hl7Values.dateTime(pv1.getAdmitDateTime().getTime().getValue(), "PV1-44");
        DateTimeType discharge = Hl7Values.dateTime(pv1.getDischargeDateTime(0).getTime().getValue(), "PV1-45");
        DateTimeType expectedAdmit = pv2 == null ? null
                : Hl7Values.dateTime(pv2.getExpectedAdmitDateTime().getTime().getValue(), "PV2-8");
        DateTimeType eventOccurred = evn == null ? null
                : Hl7Values.dateTime(evn.getEventOccurred().getTime().getValue(), "EVN-6");
        DateTimeType movementTime = zbe == null ? null : zbe.time();

        Period period = new Period();
        DateTimeType start = admit;
        if (start == null && isAdmission(trigger) && movementTime != null) {
            start = movementTime;
        }
        if (start == null && "A05".equals(trigger)) {
            start = expectedAdmit;
        }
        if (start != null) {
            period.setStartElement(start);
        }
        if ("A03".equals(trigger) || encounter.getStatus() == Encounter.EncounterStatus.FINISHED) {
            DateTimeType end = discharge != null ? discharge : movementTime != null ? movementTime : eventOccurred;
            if (end == null) {
                throw Hl7Values.missing("PV1-45", "discharge date (or ZBE-2 / EVN-6)");
            }
            period.setEndElement(end);
        }
        if (period.hasStart() && period.hasEnd() && period.getEnd().before(period.getStart())) {
            throw new MessageRejectedException("PV1-45", MessageRejectedException.DATA_TYPE_ERROR, false,
                    "discharge date is before the admission date");
        }
        if (!period.isEmpty()) {
            encounter.setPeriod(period);
        } else {
            issues.add("Encounter period unknown in this message (PV1-44, ZBE-2 empty): keep the stored one");
        }

        if (subject != null) {
            encounter.setSubject(new Reference().setIdentifier(subject.copy()));
        }
        Connector.Organisation organisation = partner == null ? null : partner.organisation();
        if (organisation != null && !isBlank(organisation.finess())) {
            encounter.setServiceProvider(new Reference()
                    .setIdentifier(new Identifier().setSystem("urn:oid:" + FrCore.OID_STRUCTURES)
                            .setValue(organisation.finess().trim()))
                    .setDisplay(organisation.name()));
        }
        mapLocations(pv1.getAssignedPatientLocation(), zbe, encounter);
        return encounter;
    }

    private static boolean isAdmission(String trigger) {
        return List.of("A01", "A04", "A05", "A06", "A07").contains(trigger);
    }

    private static String visitSystem(CX visit, Connector partner) {
        String oid = trimToNull(visit.getAssigningAuthority().getUniversalID().getValue());
        String type = trimToNull(visit.getAssigningAuthority().getUniversalIDType().getValue());
        if ("ISO".equals(type) && FrCore.isOid(oid)) {
            return oid;
        }
        if (partner != null && !isBlank(partner.patientIdSystem())) {
            return partner.patientIdSystem().trim();
        }
        throw new MessageRejectedException("PV1-19", MessageRejectedException.DATA_TYPE_ERROR, false,
                "PV1-19: the visit number assigning authority (CX-4.2) is not an ISO OID and the connector declares "
                        + "no identifier system");
    }

    /** PV1-2 (HL7 table 0004) → v3 ActCode. */
    private static Coding encounterClass(String patientClass) {
        if (patientClass == null) {
            throw Hl7Values.missing("PV1-2", "patient class");
        }
        return switch (patientClass) {
            case "I" -> new Coding(FrCore.CS_ACT_CODE, "IMP", "inpatient encounter");
            case "B" -> new Coding(FrCore.CS_ACT_CODE, "IMP", "inpatient encounter"); // obstetrics: an inpatient stay
            case "O", "R" -> new Coding(FrCore.CS_ACT_CODE, "AMB", "ambulatory"); // R recurring: repeated outpatient
            case "E" -> new Coding(FrCore.CS_ACT_CODE, "EMER", "emergency");
            case "P" -> new Coding(FrCore.CS_ACT_CODE, "PRENC", "pre-admission");
            default -> throw Hl7Values.unknownCode("PV1-2", "patient class");
        };
    }

    /** What the trigger does to the stay. */
    private static Encounter.EncounterStatus status(String trigger, String patientClass, PV1 pv1) {
        return switch (trigger) {
            case "A05" -> Encounter.EncounterStatus.PLANNED;
            case "A03" -> Encounter.EncounterStatus.FINISHED;
            case "A11", "A38" -> Encounter.EncounterStatus.CANCELLED;
            case "A21" -> Encounter.EncounterStatus.ONLEAVE;
            case "A08" -> !isBlank(pv1.getDischargeDateTime(0).getTime().getValue())
                    ? Encounter.EncounterStatus.FINISHED
                    : "P".equals(patientClass) ? Encounter.EncounterStatus.PLANNED : Encounter.EncounterStatus.INPROGRESS;
            // A01 A02 A04 A06 A07 A12 (cancel transfer) A13 (cancel discharge) A22 (back from leave)
            default -> Encounter.EncounterStatus.INPROGRESS;
        };
    }

    /** PV1-3 bed/room/point of care and the ZBE responsibility units, as logical locations. */
    private static void mapLocations(PL pl, ZbeMovementReader.Zbe zbe, Encounter encounter) {
        List<String> parts = new ArrayList<>();
        for (String part : new String[] {pl.getPointOfCare().getValue(), pl.getRoom().getValue(), pl.getBed().getValue()}) {
            if (!isBlank(part)) {
                parts.add(part.trim());
            }
        }
        Encounter.EncounterLocationStatus locationStatus = encounter.getStatus() == Encounter.EncounterStatus.FINISHED
                ? Encounter.EncounterLocationStatus.COMPLETED
                : encounter.getStatus() == Encounter.EncounterStatus.PLANNED
                        ? Encounter.EncounterLocationStatus.PLANNED : Encounter.EncounterLocationStatus.ACTIVE;
        if (!parts.isEmpty()) {
            Encounter.EncounterLocationComponent loc = encounter.addLocation();
            loc.setLocation(new Reference().setDisplay(String.join(" / ", parts)));
            loc.setStatus(locationStatus);
        }
        if (zbe != null) {
            addUnit(encounter, zbe.medicalUnit(), "UF de responsabilité médicale (ZBE-7)", locationStatus);
            addUnit(encounter, zbe.careUnit(), "UF de responsabilité de soins (ZBE-8)", locationStatus);
        }
    }

    private static void addUnit(Encounter encounter, ZbeMovementReader.Unit unit, String role,
                                Encounter.EncounterLocationStatus status) {
        if (unit == null) {
            return;
        }
        Reference ref = new Reference().setDisplay(unit.name() != null ? unit.name() : unit.code());
        if (unit.code() != null) {
            Identifier id = new Identifier().setValue(unit.code()).setType(new CodeableConcept().setText(role));
            if (unit.authorityOid() != null) {
                id.setSystem("urn:oid:" + unit.authorityOid());
            }
            ref.setIdentifier(id);
        }
        Encounter.EncounterLocationComponent loc = encounter.addLocation();
        loc.setLocation(ref);
        loc.setStatus(status);
    }
}
