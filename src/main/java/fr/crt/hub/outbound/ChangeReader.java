package fr.crt.hub.outbound;

import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.fhir.CanonicalWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
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
                    stays.add(repo.read(Encounter.class, id));
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
}
