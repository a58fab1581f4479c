package fr.crt.hub.outbound;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.AbstractMessage;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.ModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import fr.crt.hub.access.ElementMasks;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.identity.IdentityFhir;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * Canonical FHIR → PAM-FR 2.11 ADT (HL7 v2.5), the inverse of {@code dui.PamFrPatientMapper} /
 * {@code dui.PamFrEncounterMapper}, built with HAPI's v2.5 structures.
 *
 * <ul>
 *   <li>Trigger: a stay change is sent with the trigger of the change when it is a PAM-FR movement (A01, A03, A11…),
 *       else from the stay's status (finished A03, cancelled A11, planned A05, otherwise A08); an identity change is
 *       A28 the first time this partner hears of the person, A31 afterwards; a merge told to a partner that knew the
 *       merged-away record is ADT^A40^ADT_A39 (PID the survivor, MRG-1 the merged record's ids as this partner knows
 *       them: the hub's id and its own IPP, never the INS; no PV1, as in IHE PAM ITI-30).</li>
 *   <li>PID-3: the hub's own id (always), the partner's own IPP when the person has one, and the INS only when the
 *       identity is qualified (status VALI or QUAL, no attribute such as DOUT/FICT forbidding it — Référentiel INS).</li>
 *   <li>PID-32: the FR Core statuses; QUAL (RNIV) is sent as VALI and RECUP as PROV, the PAM-FR 2.11 table 0445 having
 *       neither.</li>
 *   <li>Least privilege: without {@code identity} in {@code kinds}, PID carries identifiers only (no traits); the
 *       fields built from elements the partner's role may not see (masks of the access matrix, role = connector
 *       {@code kind}) are left empty, the Patient and stays being masked before anything is mapped.</li>
 * </ul>
 */
@Component
public class PamFrOutboundMapper {

    static final Set<String> STAY_TRIGGERS = Set.of("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A11", "A12",
            "A13", "A21", "A22", "A38");
    /** Triggers that carry a ZBE movement segment in PAM-FR. */
    static final Set<String> MOVEMENT_TRIGGERS = Set.of("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A11", "A12", "A13",
            "A21", "A22", "A38");
    /** Cancel trigger → the trigger it cancels (ZBE-6). */
    static final Map<String, String> CANCELS = Map.of("A11", "A01", "A12", "A02", "A13", "A03", "A38", "A05");
    static final Map<String, String> STRUCTURES = Map.ofEntries(Map.entry("A01", "ADT_A01"), Map.entry("A02", "ADT_A02"),
            Map.entry("A03", "ADT_A03"), Map.entry("A04", "ADT_A01"), Map.entry("A05", "ADT_A05"), Map.entry("A06", "ADT_A06"),
            Map.entry("A07", "ADT_A06"), Map.entry("A08", "ADT_A01"), Map.entry("A11", "ADT_A09"), Map.entry("A12", "ADT_A12"),
            Map.entry("A13", "ADT_A01"), Map.entry("A21", "ADT_A21"), Map.entry("A22", "ADT_A21"), Map.entry("A28", "ADT_A05"),
            Map.entry("A31", "ADT_A05"), Map.entry("A38", "ADT_A38"), Map.entry("A40", "ADT_A39"));
    /** PAM-FR merge of two persons: PID the survivor, MRG the record merged away. */
    public static final String MERGE = "A40";
    static final Map<String, String> INS_NAMESPACES = Map.of(IdentityFhir.OID_NIR, "ASIP-SANTE-INS-NIR",
            IdentityFhir.OID_NIA, "ASIP-SANTE-INS-NIA", IdentityFhir.OID_NIR_TEST, "ASIP-SANTE-INS-NIR-TEST",
            IdentityFhir.OID_NIR_DEMO, "ASIP-SANTE-INS-NIR-DEMO");
    static final String EXT_BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
    static final String EXT_INSEE = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code";
    static final String EXT_BIRTH_LIST = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-birth-list-given-name";

    private final HapiContext hapi;
    private final OutboundProperties props;
    private final ElementMasks masks;

    public PamFrOutboundMapper(OutboundProperties props, ElementMasks masks) {
        this.props = props;
        this.masks = masks;
        this.hapi = new DefaultHapiContext(ValidationContextFactory.noValidation());
    }

    /** The trigger to send {@code change} with. */
    public static String trigger(ChangeSnapshot change, boolean staysAllowed, boolean knownToPartner) {
        if (staysAllowed && change.hasStay()) {
            String t = change.sourceTrigger() == null ? "" : change.sourceTrigger().toUpperCase(Locale.ROOT);
            if (STAY_TRIGGERS.contains(t)) return t;
            Encounter.EncounterStatus st = change.encounters().get(0).getStatus();
            if (st == null) return "A08";
            return switch (st) {
                case FINISHED -> "A03";
                case CANCELLED -> "A11";
                case PLANNED -> "A05";
                default -> "A08";
            };
        }
        return knownToPartner ? "A31" : "A28";
    }

    /** Whether the identity may travel with its INS (Référentiel INS: qualified identity only). */
    public static boolean insMayTravel(Patient p) {
        if (IdentityFhir.insIdentifiers(p).isEmpty() || IdentityFhir.insForbidden(p)) return false;
        Set<String> st = IdentityFhir.statuses(p);
        return st.contains(IdentityFhir.QUAL) || st.contains(IdentityFhir.VALI);
    }

    /** ER7 text of the ADT for {@code partner}; segments separated by CR. */
    public String build(PartnerOutbound partner, ChangeSnapshot canonical, Set<String> kinds, String trigger, String controlId,
                        Date now) {
        ChangeSnapshot change = canonical.maskedFor(partner.connector().kind(), masks);
        try {
            String structure = STRUCTURES.getOrDefault(trigger, "ADT_A01");
            ModelClassFactory mcf = hapi.getModelClassFactory();
            Class<? extends Message> cls = mcf.getMessageClass(structure, "2.5", false);
            AbstractMessage msg = (AbstractMessage) cls.getConstructor(ModelClassFactory.class).newInstance(mcf);
            msg.setParser(hapi.getPipeParser());
            Terser t = new Terser(msg);
            msh(t, partner, trigger, structure, controlId, now);
            if (MERGE.equals(trigger)) {
                if (change.merge() == null) throw new IllegalArgumentException("ADT^A40 needs a merge");
                t.set("/EVN-2-1", ts(now));
                t.set("/EVN-6-1", ts(now));
                // ADT_A39: PID and MRG sit in the PATIENT group
                pid(t, "/PATIENT/PID", partner, change, kinds.contains("identity"));
                mrg(t, partner, change.merge());
                return hapi.getPipeParser().encode(msg);
            }
            Encounter stay = kinds.contains("stays") && change.hasStay() ? change.encounters().get(0) : null;
            t.set("/EVN-2-1", ts(now));
            t.set("/EVN-6-1", ts(stay != null && stay.getPeriod().hasStart() ? stay.getPeriod().getStart() : now));
            pid(t, "/PID", partner, change, kinds.contains("identity"));
            pv1(t, stay);
            if (stay != null && MOVEMENT_TRIGGERS.contains(trigger)) {
                msg.addNonstandardSegment("ZBE");
                zbe(t, stay, trigger, now);
            }
            return hapi.getPipeParser().encode(msg);
        } catch (HL7Exception | ReflectiveOperationException e) {
            throw new IllegalStateException("ADT^" + trigger + " could not be built: " + e.getClass().getSimpleName(), e);
        }
    }

    private void msh(Terser t, PartnerOutbound partner, String trigger, String structure, String controlId, Date now)
            throws HL7Exception {
        t.set("/MSH-1", "|");
        t.set("/MSH-2", "^~\\&");
        t.set("/MSH-3-1", props.sendingApplication());
        t.set("/MSH-4-1", props.sendingFacility());
        var in = partner.connector().inbound();
        t.set("/MSH-5-1", in != null && in.sendingApplication() != null && !in.sendingApplication().isEmpty()
                ? in.sendingApplication().get(0) : partner.id());
        t.set("/MSH-6-1", in != null && in.sendingFacility() != null && !in.sendingFacility().isEmpty()
                ? in.sendingFacility().get(0) : partner.id());
        t.set("/MSH-7-1", ts(now));
        t.set("/MSH-9-1", "ADT");
        t.set("/MSH-9-2", trigger);
        t.set("/MSH-9-3", structure);
        t.set("/MSH-10", controlId);
        t.set("/MSH-11-1", "P");
        t.set("/MSH-12-1", "2.5");
        t.set("/MSH-12-2-1", "FRA");
        t.set("/MSH-12-3-1", "2.11");
        t.set("/MSH-17", "FRA");
        t.set("/MSH-18", "UNICODE UTF-8");
        t.set("/MSH-19-1", "FR");
        t.set("/MSH-21-1", "2.11");
        t.set("/MSH-21-2", "IHE_FRANCE-2.11-PAM");
    }

    private void pid(Terser t, String seg, PartnerOutbound partner, ChangeSnapshot change, boolean identity) throws HL7Exception {
        Patient p = change.patient();
        t.set(seg + "-1", "1");
        int rep = 0;
        cx(t, seg + "-3(" + rep++ + ")", change.patientRef().substring("Patient/".length()), "CRT-HUB", props.patientIdOid(), "PI");
        String ippSystem = partner.connector().patientIdSystem();
        if (ippSystem != null) {
            for (Identifier id : p.getIdentifier()) {
                if (("urn:oid:" + ippSystem).equals(id.getSystem()) && id.hasValue()) {
                    cx(t, seg + "-3(" + rep++ + ")", id.getValue(), null, ippSystem, "PI");
                }
            }
        }
        if (!identity) return;
        if (insMayTravel(p)) {
            for (Identifier ins : IdentityFhir.insIdentifiers(p)) {
                String oid = ins.getSystem().substring("urn:oid:".length());
                cx(t, seg + "-3(" + rep++ + ")", ins.getValue(), INS_NAMESPACES.get(oid), oid, "INS");
            }
        }
        int n = 0;
        for (HumanName name : p.getName()) {
            String type = switch (name.getUseElement().getValue() == null ? HumanName.NameUse.OFFICIAL : name.getUse()) {
                case OFFICIAL -> "L";
                case USUAL -> "D";
                case MAIDEN -> "M";
                case ANONYMOUS -> "S";
                case NICKNAME -> "A";
                case TEMP -> "U";
                default -> null;
            };
            if (type == null) continue;
            String base = seg + "-5(" + n++ + ")";
            if (name.hasFamily()) t.set(base + "-1-1", name.getFamily());
            if (name.hasGiven()) t.set(base + "-2", name.getGiven().get(0).getValue());
            Extension list = name.getExtensionByUrl(EXT_BIRTH_LIST);
            if (list != null && list.getValue() instanceof StringType s) {
                t.set(base + "-3", s.getValue());
            } else if (name.getGiven().size() > 1) {
                t.set(base + "-3", String.join(" ", name.getGiven().stream().skip(1).map(g -> g.getValue()).toList()));
            }
            t.set(base + "-7", type);
        }
        if (p.hasBirthDate()) t.set(seg + "-7-1", p.getBirthDateElement().getValueAsString().replace("-", ""));
        if (p.hasGender()) {
            t.set(seg + "-8", switch (p.getGender()) {
                case MALE -> "M";
                case FEMALE -> "F";
                case OTHER -> "O";
                default -> "U";
            });
        }
        int a = 0;
        for (Address addr : p.getAddress()) {
            String base = seg + "-11(" + a++ + ")";
            if (addr.hasLine()) t.set(base + "-1-1", addr.getLine().get(0).getValue());
            if (addr.getLine().size() > 1) t.set(base + "-2", addr.getLine().get(1).getValue());
            if (addr.hasCity()) t.set(base + "-3", addr.getCity());
            if (addr.hasPostalCode()) t.set(base + "-5", addr.getPostalCode());
            if (addr.hasCountry()) t.set(base + "-6", addr.getCountry());
            t.set(base + "-7", "H");
        }
        Extension birthPlace = p.getExtensionByUrl(EXT_BIRTH_PLACE);
        if (birthPlace != null && birthPlace.getValue() instanceof Address bp) {
            String base = seg + "-11(" + a + ")";
            if (bp.hasCity()) t.set(base + "-3", bp.getCity());
            if (bp.hasCountry()) t.set(base + "-6", bp.getCountry());
            t.set(base + "-7", "BDL");
            Extension insee = bp.getExtensionByUrl(EXT_INSEE);
            if (insee != null && insee.getValue() instanceof Coding c) t.set(base + "-9", c.getCode());
        }
        if (p.getDeceased() instanceof DateTimeType d) {
            t.set(seg + "-29-1", ts(d.getValue()));
            t.set(seg + "-30", "Y");
        } else if (p.getDeceased() instanceof BooleanType b && b.booleanValue()) {
            t.set(seg + "-30", "Y");
        }
        int s = 0;
        for (String status : IdentityFhir.statuses(p)) {
            String code = switch (status) {
                case IdentityFhir.QUAL -> IdentityFhir.VALI;
                case IdentityFhir.RECUP -> IdentityFhir.PROV;
                default -> status;
            };
            t.set(seg + "-32(" + s++ + ")", code);
        }
    }

    /**
     * MRG-1: the merged-away record as this partner knows it: the hub's id (sent in PID-3 of every earlier message
     * about it) and the partner's own IPP when the record holds one. The INS stays out: it names the person, not the
     * record, and the survivor carries it.
     */
    private void mrg(Terser t, PartnerOutbound partner, ChangeSnapshot.Merge merge) throws HL7Exception {
        int rep = 0;
        cx(t, "/PATIENT/MRG-1(" + rep++ + ")", merge.mergedRef().substring("Patient/".length()), "CRT-HUB",
                props.patientIdOid(), "PI");
        String ippSystem = partner.connector().patientIdSystem();
        if (ippSystem == null) return;
        for (Identifier id : merge.merged().getIdentifier()) {
            if (("urn:oid:" + ippSystem).equals(id.getSystem()) && id.hasValue()) {
                cx(t, "/PATIENT/MRG-1(" + rep++ + ")", id.getValue(), null, ippSystem, "PI");
            }
        }
    }

    private static void cx(Terser t, String base, String value, String namespace, String oid, String type) throws HL7Exception {
        t.set(base + "-1", value);
        if (namespace != null) t.set(base + "-4-1", namespace);
        t.set(base + "-4-2", oid);
        t.set(base + "-4-3", "ISO");
        t.set(base + "-5", type);
    }

    private static void pv1(Terser t, Encounter stay) throws HL7Exception {
        t.set("/PV1-1", "1");
        if (stay == null) {
            t.set("/PV1-2", "N"); // PAM-FR: identity messages carry PV1-2 N (not applicable)
            return;
        }
        String cls = stay.getClass_().getCode();
        t.set("/PV1-2", cls == null ? "I" : switch (cls) {
            case "AMB" -> "O";
            case "EMER" -> "E";
            case "PRENC" -> "P";
            default -> "I";
        });
        stay.getIdentifier().stream().filter(i -> i.hasSystem() && i.hasValue()).findFirst().ifPresent(vn -> {
            try {
                String sys = vn.getSystem();
                cx(t, "/PV1-19", vn.getValue(), null, sys.startsWith("urn:oid:") ? sys.substring(8) : sys, "VN");
            } catch (HL7Exception e) {
                throw new IllegalStateException(e);
            }
        });
        if (stay.getPeriod().hasStart()) t.set("/PV1-44-1", ts(stay.getPeriod().getStart()));
        if (stay.getPeriod().hasEnd()) t.set("/PV1-45-1", ts(stay.getPeriod().getEnd()));
    }

    private static void zbe(Terser t, Encounter stay, String trigger, Date now) throws HL7Exception {
        List<Encounter.EncounterLocationComponent> locs = stay.getLocation();
        String movementId = null;
        Date at = null;
        if (!locs.isEmpty()) {
            Encounter.EncounterLocationComponent last = locs.get(locs.size() - 1);
            Extension e = last.getExtensionByUrl(CanonicalWriter.MOVEMENT_ID_URL);
            if (e != null && e.getValue() != null) movementId = e.getValue().primitiveValue();
            if (last.getPeriod().hasStart()) at = last.getPeriod().getStart();
        }
        if (movementId == null) {
            movementId = "CRT" + stay.getIdElement().getIdPart() + "-" + stay.getIdElement().getVersionIdPart();
        }
        String cancelled = CANCELS.get(trigger);
        t.set("/ZBE-1-1", movementId);
        t.set("/ZBE-1-2", "CRT_HUB");
        t.set("/ZBE-2-1", ts(at != null ? at : stay.getPeriod().hasStart() ? stay.getPeriod().getStart() : now));
        t.set("/ZBE-4", cancelled != null ? "CANCEL" : "INSERT");
        t.set("/ZBE-5", "N");
        if (cancelled != null) t.set("/ZBE-6", cancelled);
    }

    static String ts(Date d) {
        SimpleDateFormat f = new SimpleDateFormat("yyyyMMddHHmmss");
        f.setTimeZone(TimeZone.getTimeZone("Europe/Paris"));
        return f.format(d);
    }
}
