package fr.crt.hub.outbound;

import ca.uhn.fhir.context.FhirContext;
import fr.crt.hub.access.ElementMasks;
import fr.crt.hub.identity.IdentityFhir;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Canonical FHIR → a TDDUI-shaped transaction Bundle for one partner (profiles of the ANS TDDUI guide, as in
 * {@code shared/samples/fhir/tddui}): the Patient and the stays the change wrote, each a conditional update on a
 * business identifier, so that a Bundle delivered twice (retry after a lost answer) changes nothing more.
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
        Bundle b = new Bundle();
        b.setId(bundleId);
        b.setType(Bundle.BundleType.TRANSACTION);
        b.setTimestamp(now);
        b.getMeta().addProfile(PROFILE_BUNDLE);
        String hubSystem = "urn:oid:" + props.patientIdOid();
        String hubId = change.patientRef().substring("Patient/".length());
        String patientUrl = "urn:uuid:" + UUID.nameUUIDFromBytes((partner.id() + "|" + change.patientRef()).getBytes());
        Patient p = patient(partner, change.patient(), hubSystem, hubId, kinds.contains("identity"));
        if (kinds.contains("identity") && masks.masks(role, "Patient")) ElementMasks.label(p);
        b.addEntry().setFullUrl(patientUrl).setResource(p).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Patient?identifier=" + hubSystem + "|" + hubId);
        if (kinds.contains("stays")) {
            for (Encounter e : change.encounters()) {
                Encounter out = encounter(e, patientUrl);
                if (masks.masks(role, "Encounter")) ElementMasks.label(out);
                Identifier vn = out.getIdentifier().stream().filter(i -> i.hasSystem() && i.hasValue()).findFirst().orElse(null);
                Bundle.BundleEntryComponent entry = b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(out);
                if (vn != null) {
                    entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Encounter?identifier=" + vn.getSystem() + "|" + vn.getValue());
                } else {
                    entry.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
                }
            }
        }
        return b;
    }

    public String json(Bundle b) {
        return fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(b);
    }

    private static Patient patient(PartnerOutbound partner, Patient canonical, String hubSystem, String hubId, boolean identity) {
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
        if (identity && PamFrOutboundMapper.insMayTravel(canonical)) {
            IdentityFhir.insIdentifiers(canonical).forEach(i -> ids.add(i.copy()));
        }
        p.setIdentifier(ids);
        return p;
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
