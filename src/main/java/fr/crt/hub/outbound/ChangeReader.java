package fr.crt.hub.outbound;

import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.fhir.CanonicalWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Reads what one change wrote: the Provenance the writer tagged with the source message id lists the resources at the
 * versions written, and its activity the HL7 trigger. Without such a Provenance (a change no message made), the
 * current Patient alone: an identity update.
 */
@Component
public class ChangeReader {

    private final CanonicalRepository repo;

    public ChangeReader(CanonicalRepository repo) {
        this.repo = repo;
    }

    public Optional<ChangeSnapshot> read(String patientRef, Long sourceMessageId) {
        IdType pid = new IdType(patientRef).toUnqualifiedVersionless();
        Provenance prov = sourceMessageId == null ? null
                : repo.searchProvenanceByTag(CanonicalWriter.MESSAGE_SYSTEM, String.valueOf(sourceMessageId)).stream()
                .findFirst().orElse(null);
        Patient patient = null;
        List<Encounter> stays = new ArrayList<>();
        String trigger = null;
        if (prov != null) {
            trigger = prov.getActivity().getCodingFirstRep().getCode();
            for (Reference t : prov.getTarget()) {
                IdType id = new IdType(t.getReference());
                if ("Patient".equals(id.getResourceType()) && pid.getIdPart().equals(id.getIdPart())) {
                    patient = repo.read(Patient.class, id);
                } else if ("Encounter".equals(id.getResourceType())) {
                    stays.add(withStructureIdentifier(repo.read(Encounter.class, id)));
                }
            }
        }
        if (patient == null) {
            try {
                patient = repo.read(Patient.class, pid);
            } catch (RuntimeException gone) {
                return Optional.empty();
            }
        }
        return Optional.of(new ChangeSnapshot(pid.getValue(), patient, stays, trigger));
    }

    /**
     * A stay written from a TDDUI bundle points at the hub's Organization; outside the hub only the structure's own
     * identifier (FINESS) means something, so it is put on the reference.
     */
    private Encounter withStructureIdentifier(Encounter e) {
        Reference sp = e.getServiceProvider();
        if (sp.getIdentifier().hasValue() || !sp.hasReference() || !sp.getReference().startsWith("Organization/")) return e;
        try {
            Organization o = repo.read(Organization.class, new IdType(sp.getReference()));
            o.getIdentifier().stream().filter(i -> CanonicalWriter.FINESS_SYSTEM.equals(i.getSystem()) && i.hasValue()).findFirst()
                    .or(() -> o.getIdentifier().stream().filter(i -> i.hasSystem() && i.hasValue()
                            && !i.getSystem().startsWith("urn:crt-hub:")).findFirst())
                    .ifPresent(i -> sp.setIdentifier(i.copy()));
            if (!sp.hasDisplay() && o.hasName()) sp.setDisplay(o.getName());
        } catch (RuntimeException gone) {
            // a structure no longer held: the stay leaves without it
        }
        return e;
    }
}
