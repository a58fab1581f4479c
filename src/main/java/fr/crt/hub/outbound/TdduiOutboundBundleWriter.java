package fr.crt.hub.outbound;

import ca.uhn.fhir.context.FhirContext;
import fr.crt.hub.access.ElementMasks;
import fr.crt.hub.identity.IdentityFhir;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Canonical FHIR → a TDDUI-shaped transaction Bundle for one partner (profiles of the ANS TDDUI guide, as in
 * {@code shared/samples/fhir/tddui}): the Patient and the stays the change wrote, with the structure of each stay.
 *
 * <p>Every entry is a POST: the TDDUI Bundle profile fixes {@code request.method} to POST on all its slices, and its
 * consumers reconcile by business identifiers (the hub's id of the person, the stay's idStay), as the hub's own TDDUI
 * intake does; so a Bundle delivered twice (retry after a lost answer) changes nothing more there. A structure is
 * created only if the partner does not know it ({@code ifNoneExist} on its FINESS).
 *
 * <p>Least privilege: only the kinds the partner may read; the Patient carries the hub's id, the partner's own IPP and
 * the INS only when the identity is qualified; nothing that points inside the hub (links, references to other
 * resources, internal tags), and none of the elements the partner's role may not see (masks of the access matrix, role =
 * connector {@code kind}): such a resource carries the REDACTED security label, as on the FHIR API.
 */
@Component
public class TdduiOutboundBundleWriter {

    static final String TDDUI = "https://interop.esante.gouv.fr/ig/fhir/tddui/StructureDefinition/";
    static final String PROFILE_BUNDLE = TDDUI + "tddui-bundle";
    static final String PROFILE_PATIENT = TDDUI + "tddui-patient";
    static final String PROFILE_ENCOUNTER = TDDUI + "tddui-encounter-sejour";
    static final String PROFILE_ORGANIZATION = TDDUI + "tddui-organization";
    static final String STAY_ID_SYSTEM = fr.crt.hub.tddui.TdduiProfiles.STAY_ID_SYSTEM;
    static final String ENCOUNTER_IDENTIFIER_CS = fr.crt.hub.tddui.TdduiProfiles.ENCOUNTER_IDENTIFIER_CS;

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final OutboundProperties props;
    private final ElementMasks masks;

    public TdduiOutboundBundleWriter(OutboundProperties props, ElementMasks masks) {
        this.props = props;
        this.masks = masks;
    }

    public Bundle bundle(PartnerOutbound partner, ChangeSnapshot canonical, Set<String> kinds, String bundleId, Date now) {
        String role = partner.connector().kind();
        ChangeSnapshot change = canonical.maskedFor(role, masks);
        Bundle b = transaction(bundleId, now);
        String hubSystem = "urn:oid:" + props.patientIdOid();
        String hubId = change.patientRef().substring("Patient/".length());
        String patientUrl = entryUrl(partner, change.patientRef());
        Patient p = patient(partner, change.patient(), hubSystem, hubId, kinds.contains("identity"), true);
        if (kinds.contains("identity") && masks.masks(role, "Patient")) ElementMasks.label(p);
        b.addEntry().setFullUrl(patientUrl).setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        if (kinds.contains("stays")) {
            Map<String, String> structures = new HashMap<>();
            for (Encounter e : change.encounters()) {
                Encounter out = encounter(e, patientUrl);
                if (masks.masks(role, "Encounter")) ElementMasks.label(out);
                Identifier finess = e.getServiceProvider().getIdentifier();
                if (finess.hasSystem() && finess.hasValue()) {
                    // the stay's structure as a TDDUIOrganization entry, created at the partner's only if unknown there
                    String url = structures.computeIfAbsent(finess.getSystem() + "|" + finess.getValue(), k -> {
                        String u = "urn:uuid:" + UUID.nameUUIDFromBytes(k.getBytes(StandardCharsets.UTF_8));
                        Organization o = new Organization();
                        o.setMeta(new Meta().addProfile(PROFILE_ORGANIZATION));
                        o.addIdentifier(finess.copy());
                        if (e.getServiceProvider().hasDisplay()) o.setName(e.getServiceProvider().getDisplay());
                        b.addEntry().setFullUrl(u).setResource(o).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Organization")
                                .setIfNoneExist("identifier=" + k);
                        return u;
                    });
                    out.setServiceProvider(new Reference(url));
                    if (!hasStayId(out)) out.getIdentifier().add(0, stayId(finess.getValue(), hubId, e));
                }
                b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(out).getRequest()
                        .setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
            }
        }
        return b;
    }

    /**
     * A merge, as the TDDUI profiles allow it (FR Core Patient leaves {@code active} and {@code link} as in R4): the
     * survivor ({@code active} true, {@code link} replaces the other entry) and the merged-away record ({@code active}
     * false, {@code link} replaced-by the survivor), both POSTed like every TDDUI entry, each with the identifiers the
     * partner knows it by (the hub's id, its own IPP). The INS only on the survivor: it names the person, and a
     * consumer reconciling by INS must not take the retired record for the survivor.
     */
    public Bundle mergeBundle(PartnerOutbound partner, ChangeSnapshot canonical, String bundleId, Date now) {
        if (canonical.merge() == null) throw new IllegalArgumentException("not a merge");
        String role = partner.connector().kind();
        ChangeSnapshot change = canonical.maskedFor(role, masks);
        ChangeSnapshot.Merge merge = change.merge();
        Bundle b = transaction(bundleId, now);
        String hubSystem = "urn:oid:" + props.patientIdOid();
        String survivorUrl = entryUrl(partner, change.patientRef());
        String mergedUrl = entryUrl(partner, merge.mergedRef());
        Patient survivor = patient(partner, change.patient(), hubSystem, change.patientRef().substring("Patient/".length()),
                true, true);
        survivor.setActive(true);
        survivor.addLink().setType(Patient.LinkType.REPLACES).setOther(new Reference(mergedUrl));
        Patient retired = patient(partner, merge.merged(), hubSystem, merge.mergedRef().substring("Patient/".length()),
                true, false);
        retired.setActive(false);
        retired.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new Reference(survivorUrl));
        if (masks.masks(role, "Patient")) {
            ElementMasks.label(survivor);
            ElementMasks.label(retired);
        }
        b.addEntry().setFullUrl(survivorUrl).setResource(survivor).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        b.addEntry().setFullUrl(mergedUrl).setResource(retired).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        return b;
    }

    /** An empty TDDUI transaction Bundle (the profile fixes the type). */
    private static Bundle transaction(String bundleId, Date now) {
        Bundle b = new Bundle();
        b.setId(bundleId);
        b.setType(Bundle.BundleType.TRANSACTION);
        b.setTimestamp(now);
        b.getMeta().addProfile(PROFILE_BUNDLE);
        return b;
    }

    private static String entryUrl(PartnerOutbound partner, String patientRef) {
        return "urn:uuid:" + UUID.nameUUIDFromBytes((partner.id() + "|" + patientRef).getBytes(StandardCharsets.UTF_8));
    }

    public String json(Bundle b) {
        return fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(b);
    }

    private static Patient patient(PartnerOutbound partner, Patient canonical, String hubSystem, String hubId, boolean identity,
                                   boolean withIns) {
        Patient p = identity ? canonical.copy() : new Patient();
        p.setId((String) null);
        p.setMeta(new Meta().addProfile(PROFILE_PATIENT));
        p.setText(null);
        p.setLink(new ArrayList<>());
        p.setGeneralPractitioner(new ArrayList<>());
        p.setManagingOrganization(null);
        p.setContained(new ArrayList<>());
        List<Identifier> ids = new ArrayList<>();
        ids.add(new Identifier().setUse(Identifier.IdentifierUse.SECONDARY).setSystem(hubSystem).setValue(hubId));
        String ipp = partner.connector().patientIdSystem() == null ? null : "urn:oid:" + partner.connector().patientIdSystem();
        for (Identifier id : canonical.getIdentifier()) {
            if (ipp != null && ipp.equals(id.getSystem())) ids.add(id.copy());
        }
        if (identity && withIns && PamFrOutboundMapper.insMayTravel(canonical)) {
            IdentityFhir.insIdentifiers(canonical).forEach(i -> ids.add(i.copy()));
        }
        p.setIdentifier(ids);
        return p;
    }

    static boolean isStayId(Identifier i) {
        return STAY_ID_SYSTEM.equals(i.getSystem()) && i.hasValue()
                && i.getType().getCoding().stream().anyMatch(c -> ENCOUNTER_IDENTIFIER_CS.equals(c.getSystem()) && "SEJ".equals(c.getCode()));
    }

    private static boolean hasStayId(Encounter e) {
        return e.getIdentifier().stream().anyMatch(TdduiOutboundBundleWriter::isStayId);
    }

    /**
     * The TDDUI stay identifier (idStay), in the guide's format {@code 3+FINESS/local person id-SEJOUR-file number}:
     * the structure's FINESS, the hub's id of the person (the one every partner receives) and the stay's own number
     * (its visit number as the structure sent it). The same stay always gives the same identifier.
     */
    static Identifier stayId(String finess, String hubPatientId, Encounter stay) {
        String number = stay.getIdentifier().stream().filter(i -> i.hasValue() && !STAY_ID_SYSTEM.equals(i.getSystem()))
                .map(Identifier::getValue).findFirst().orElse(stay.getIdElement().getIdPart());
        Identifier id = new Identifier().setSystem(STAY_ID_SYSTEM).setValue("3" + finess + "/" + hubPatientId + "-SEJOUR-" + number);
        id.getType().addCoding().setSystem(ENCOUNTER_IDENTIFIER_CS).setCode("SEJ").setDisplay("Identifiant du séjour");
        return id;
    }

    private static Encounter encounter(Encounter canonical, String patientUrl) {
        Encounter e = canonical.copy();
        e.setId((String) null);
        e.setMeta(new Meta().addProfile(PROFILE_ENCOUNTER));
        e.setText(null);
        e.setSubject(new Reference(patientUrl));
        // references inside the hub would not resolve at the partner's server
        e.setLocation(new ArrayList<>());
        e.setParticipant(new ArrayList<>());
        e.setEpisodeOfCare(new ArrayList<>());
        e.setPartOf(null);
        e.setAccount(new ArrayList<>());
        e.setAppointment(new ArrayList<>());
        if (e.hasServiceProvider()) e.getServiceProvider().setReference(null);
        if (e.hasHospitalization()) {
            e.getHospitalization().setOrigin(null);
            e.getHospitalization().setDestination(null);
        }
        return e;
    }
}
