package fr.crt.hub.access;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Element masking by role (section {@code masks} of {@code mappings/access-matrix.yaml}), shared by the FHIR API
 * ({@link CareConsentService}, {@link MatrixWriteCheck}) and what is sent to partners ({@code fr.crt.hub.outbound}),
 * so that a role gets the same view of a resource whichever way it reaches it.
 *
 * <p>A masked resource carries the security label {@code REDACTED} (v3 ObservationValue) whenever the role has a mask
 * for its type, whether or not the masked elements were present: the label says "this is a filtered view" without
 * telling the recipient whether there was something to hide.
 */
@Component
public class ElementMasks {

    public static final String REDACTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
    public static final String REDACTED = "REDACTED";

    private static final FhirContext R4 = FhirContext.forR4Cached();

    private final AccessMatrix matrix;

    public ElementMasks(AccessMatrix matrix) {
        this.matrix = matrix;
    }

    /** Whether {@code role} gets a filtered view of resources of {@code resourceType}. */
    public boolean masks(String role, String resourceType) {
        return !matrix.masksOf(role, resourceType).isEmpty();
    }

    /**
     * What {@code role} may see of {@code resource}: a labelled copy without the masked elements, or {@code resource}
     * itself when the role has no mask for its type. {@code resource} is never modified (it may be a cached or stored
     * instance).
     */
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> T masked(String role, T resource) {
        if (resource == null) return null;
        List<ElementPath> paths = matrix.masksOf(role, R4.getResourceType(resource));
        if (paths.isEmpty() || !(resource instanceof Resource r)) return resource;
        Resource copy = r.copy();
        for (ElementPath p : paths) p.removeFrom(copy);
        label(copy);
        return (T) copy;
    }

    /**
     * Before {@code incoming} replaces {@code stored} on behalf of {@code role}: the elements the role may not see are
     * put back as stored. A caller who never saw them can neither erase nor change them (it would otherwise erase
     * them by writing back the filtered copy it was given).
     */
    public void keepMasked(String role, IBaseResource stored, IBaseResource incoming) {
        if (stored == null || incoming == null) return;
        List<ElementPath> paths = matrix.masksOf(role, R4.getResourceType(incoming));
        if (paths.isEmpty()) return;
        for (ElementPath p : paths) p.keep(stored, incoming);
        // the label describes a copy the hub gave out, not the stored resource
        if (incoming instanceof Resource r) {
            r.getMeta().getSecurity().removeIf(c -> REDACTED_SYSTEM.equals(c.getSystem()) && REDACTED.equals(c.getCode()));
        }
    }

    /** Adds the REDACTED security label once. */
    public static void label(IBaseResource resource) {
        if (!(resource instanceof Resource r) || isRedacted(r)) return;
        r.getMeta().addSecurity(new Coding(REDACTED_SYSTEM, REDACTED, "redacted"));
    }

    public static boolean isRedacted(IBaseResource resource) {
        return resource instanceof Resource r && r.getMeta().getSecurity().stream()
                .anyMatch(c -> REDACTED_SYSTEM.equals(c.getSystem()) && REDACTED.equals(c.getCode()));
    }
}
