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
 * current Patient alone: an identity update. A merge also reads the merged-away Patient and whether the survivor
 * itself changed (its version before the merge against the one the merge wrote, links and metadata aside).
 */
@Component
public class ChangeReader {

    private final CanonicalRepository repo;

    public ChangeReader(CanonicalRepository repo) {
        this.repo = repo;
    }

    public Optional<ChangeSnapshot> read(String patientRef, Long sourceMessageId) {
        return read(patientRef, sourceMessageId, null);
    }

    /** As {@link #read(String, Long)}; {@code mergedRef} not null: the change merged that record into the person. */
    public Optional<ChangeSnapshot> read(String patientRef, Long sourceMessageId, String mergedRef) {
        IdType pid = new IdType(patientRef).toUnqualifiedVersionless();
        IdType written = null;
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
                    written = id;
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
        ChangeSnapshot.Merge merge = null;
        if (mergedRef != null) {
            IdType mid = new IdType(mergedRef).toUnqualifiedVersionless();
            try {
                merge = new ChangeSnapshot.Merge(mid.getValue(), repo.read(Patient.class, mid),
                        survivorChanged(pid, written != null && written.hasVersionIdPart() ? written : patient.getIdElement()));
            } catch (RuntimeException gone) {
                // the merged-away record cannot be read: the change goes out as the survivor's identity change
            }
        }
        return Optional.of(new ChangeSnapshot(pid.getValue(), patient, stays, trigger, merge));
    }

    /** Whether version {@code after} of the survivor differs from the version before it, links and metadata aside. */
    private boolean survivorChanged(IdType pid, org.hl7.fhir.instance.model.api.IIdType after) {
        Long v = after.getVersionIdPartAsLong();
        if (v == null || v <= 1) return true; // created by the merge (an A40 naming a survivor the hub did not know)
        try {
            Patient now = repo.vread(Patient.class, pid.withVersion(String.valueOf(v)));
            Patient before = repo.vread(Patient.class, pid.withVersion(String.valueOf(v - 1)));
            return !comparable(before).equalsDeep(comparable(now));
        } catch (RuntimeException unreadable) {
            return true;
        }
    }

    private static Patient comparable(Patient p) {
        Patient c = p.copy();
        c.setId((String) null);
        c.setMeta(null);
        c.setText(null);
        c.setLink(new ArrayList<>());
        return c;
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
