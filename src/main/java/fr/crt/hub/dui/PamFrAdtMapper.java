package fr.crt.hub.dui;

import static fr.crt.hub.dui.Hl7Values.trimToNull;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.v25.segment.EVN;
import ca.uhn.hl7v2.model.v25.segment.MRG;
import ca.uhn.hl7v2.model.v25.segment.MSH;
import ca.uhn.hl7v2.model.v25.segment.PID;
import ca.uhn.hl7v2.model.v25.segment.PV1;
import ca.uhn.hl7v2.model.v25.segment.PV2;
import ca.uhn.hl7v2.util.Terser;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.identity.NirValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns one IHE PAM (French extension 2.10/2.11) ADT message into the canonical FHIR view of it ({@link AdtMapping}).
 *
 * <p>Why: partner DUIs and hospital GAMs speak PAM-FR; the hub keeps FR Core FHIR. This class is the single place
 * that decides what an ADT means — which person (with the INS rule of {@link PamFrPatientMapper}), which stay and
 * movement, what was merged — and it refuses with an AE/AR naming the field whatever it cannot interpret, so the
 * sender gets a precise ERR segment (DESIGN rule 2). It does no I/O and logs nothing (the message is health data).
 *
 * <p>Input: a message parsed by {@link Hl7Parsing} (HAPI v2.5 structures, non-validating). Standard segments are
 * read through the HAPI v2.5 classes, Z-segments (ZBE, ZFA, ZFD) through the {@link Terser}.
 *
 * <p>Supported triggers: A01 A02 A03 A04 A05 A06 A07 A08 A11 A12 A13 A21 A22 A28 A31 A38 A40 A47. A28, A31, A40
 * and A47 are identity-only (no Encounter). For A40 only the first PATIENT group (PID + MRG) is mapped.
 */
@Component
public class PamFrAdtMapper {

    static final Set<String> SUPPORTED_TRIGGERS = Set.of("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A11",
            "A12", "A13", "A21", "A22", "A28", "A31", "A38", "A40", "A47");
    private static final Set<String> IDENTITY_ONLY = Set.of("A28", "A31", "A40", "A47");
    private static final Set<String> MERGE_OR_RENAME = Set.of("A40", "A47");

    private final PamFrPatientMapper patientMapper;

    @Autowired
    public PamFrAdtMapper(NirValidator nirValidator) {
        this.patientMapper = new PamFrPatientMapper(nirValidator);
    }

    public PamFrAdtMapper() {
        this(new NirValidator());
    }

    /**
     * @param msg            parsed message (see {@link Hl7Parsing#parse(String)})
     * @param partner        the connector it came from (IPP system, FINESS, INS policy); may be null in tools
     * @param acceptTestOids whether INS with the test/demo OIDs (1.2.250.1.213.1.4.10 / .11) may be carried
     *                       (test and qualification environments only)
     * @throws MessageRejectedException AR for an unsupported message type/trigger, AE naming the field otherwise
     */
    public AdtMapping map(Message msg, Connector partner, boolean acceptTestOids) {
        Terser terser = new Terser(msg);
        String trigger = checkMessageType(terser);
        List<String> issues = new ArrayList<>();

        PID pid = segment(terser, "PID", PID.class);
        if (isEmpty(pid)) {
            throw new MessageRejectedException("PID", MessageRejectedException.SEGMENT_SEQUENCE_ERROR, false,
                    "PID segment is missing");
        }
        if (pid.getPatientIdentifierList().length == 0) {
            throw Hl7Values.missing("PID-3", "patient identifier list");
        }
        Segment zfd = zSegment(terser, "ZFD");
        Patient patient = patientMapper.map(pid, zfd, partner, acceptTestOids, issues);

        List<Identifier> prior = new ArrayList<>();
        if (MERGE_OR_RENAME.contains(trigger)) {
            MRG mrg = segment(terser, "MRG", MRG.class);
            if (isEmpty(mrg)) {
                throw new MessageRejectedException("MRG", MessageRejectedException.SEGMENT_SEQUENCE_ERROR, false,
                        "MRG segment is required for " + trigger);
            }
            patientMapper.mapPatientIdentifiers(mrg.getPriorPatientIdentifierList(), "MRG-1", partner, prior, null,
                    issues);
            if (prior.isEmpty()) {
                throw Hl7Values.missing("MRG-1", "prior patient identifier list");
            }
        }

        Segment zbeSegment = zSegment(terser, "ZBE");
        ZbeMovementReader.Zbe zbe = zbeSegment == null ? null : ZbeMovementReader.read(zbeSegment, issues);

        Encounter encounter = null;
        if (!IDENTITY_ONLY.contains(trigger)) {
            PV1 pv1 = segment(terser, "PV1", PV1.class);
            if (isEmpty(pv1)) {
                throw new MessageRejectedException("PV1", MessageRejectedException.SEGMENT_SEQUENCE_ERROR, false,
                        "PV1 segment is required for " + trigger);
            }
            if (zbe == null) {
                issues.add("no ZBE segment: the movement of this " + trigger + " is not identified");
            }
            Identifier subject = patient.getIdentifier().stream()
                    .filter(id -> id.getType().hasCoding(FrCore.CS_V2_0203, "PI"))
                    .findFirst().orElse(patient.getIdentifierFirstRep());
            encounter = PamFrEncounterMapper.map(trigger, pv1, segment(terser, "PV2", PV2.class),
                    segment(terser, "EVN", EVN.class), zbe, subject, partner, issues);
        }

        Segment zfa = zSegment(terser, "ZFA");
        AdtMapping.DmpConsent dmp = zfa == null ? null : ZfaDmpReader.read(zfa);

        return new AdtMapping(trigger, patient, encounter, zbe == null ? null : zbe.movement(), List.copyOf(prior),
                List.copyOf(issues), dmp);
    }

    private static String checkMessageType(Terser terser) {
        MSH msh;
        try {
            msh = (MSH) terser.getSegment("/MSH");
        } catch (HL7Exception | ClassCastException e) {
            throw new MessageRejectedException("MSH", MessageRejectedException.UNSUPPORTED_VERSION_ID, true,
                    "message was not parsed into HL7 v2.5 structures");
        }
        String type = trimToNull(msh.getMessageType().getMessageCode().getValue());
        String trigger = trimToNull(msh.getMessageType().getTriggerEvent().getValue());
        if (!"ADT".equals(type)) {
            throw new MessageRejectedException("MSH-9", MessageRejectedException.UNSUPPORTED_MESSAGE_TYPE, true,
                    "only ADT messages are mapped here");
        }
        if (trigger == null || !SUPPORTED_TRIGGERS.contains(trigger)) {
            throw new MessageRejectedException("MSH-9", MessageRejectedException.UNSUPPORTED_EVENT_CODE, true,
                    "ADT trigger " + (trigger == null ? "(empty)" : trigger) + " is not supported");
        }
        return trigger;
    }

    private static boolean isEmpty(Segment segment) {
        try {
            return segment == null || segment.isEmpty();
        } catch (HL7Exception e) {
            return true;
        }
    }

    /** First segment of that name anywhere in the message, as its v2.5 class; null when absent. */
    private static <T extends Segment> T segment(Terser terser, String name, Class<T> type) {
        Segment s = zSegment(terser, name);
        return type.isInstance(s) ? type.cast(s) : null;
    }

    /** First segment of that name anywhere in the message (HAPI keeps Z-segments as non-standard segments). */
    private static Segment zSegment(Terser terser, String name) {
        try {
            Structure s = terser.getSegment("/." + name);
            return s instanceof Segment seg && !isEmpty(seg) ? seg : null;
        } catch (HL7Exception e) {
            return null;
        }
    }
}
