package fr.crt.hub.access;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Element masking by role (section {@code masks} of {@code mappings/access-matrix.yaml}), shared by the FHIR API
 * ({@link CareConsentService}, {@link MatrixWriteCheck}) and what is sent to partners ({@code fr.crt.hub.outbound}),
 * so that a role gets the same view of a resource whichever way it reaches it.
 *
 * <p>A masked resource carries the security label {@code REDACTED} (v3 ObservationValue) whenever the role has a mask
 * for its type or for the type of a resource it contains, whether or not the masked elements were present: the label
 * says "this is a filtered view" without telling the recipient whether there was something to hide.
 */
@Component
public class ElementMasks {

    public static final String REDACTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
    public static final String REDACTED = "REDACTED";

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
     * itself when the role has no mask for its type nor for the type of a resource it contains. Contained resources are
     * masked by their own type (a stay contained in a note is the same stay), and one that only masked elements
     * referred to (the stay's diagnosis contained as a Condition) is dropped with them. Only the container is labelled:
     * a contained resource may carry no security label (FHIR dom-5). {@code resource} is never modified (it may be a
     * cached or stored instance).
     */
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> T masked(String role, T resource) {
        if (!(resource instanceof Resource r) || !masksAnything(role, r)) return resource;
        Resource copy = r.copy();
        Set<String> reached = ContainedResources.reachable(copy);
        for (ElementPath p : matrix.masksOf(role, copy.fhirType())) p.removeFrom(copy);
        for (Resource contained : ContainedResources.of(copy)) {
            for (ElementPath p : matrix.masksOf(role, contained.fhirType())) p.removeFrom(contained);
        }
        ContainedResources.dropUnreached(copy, reached);
        label(copy);
        return (T) copy;
    }

    /**
     * Before {@code incoming} replaces {@code stored} on behalf of {@code role}: the elements the role may not see are
     * put back as stored, in the resource and in each contained resource (paired with the stored one by type and local
     * id; one new to the store gets none), and the contained resources the role's view left out come back as stored.
     * A caller who never saw them can neither erase nor change them (it would otherwise erase them by writing back the
     * filtered copy it was given).
     */
    public void keepMasked(String role, IBaseResource stored, IBaseResource incoming) {
        if (!(stored instanceof Resource was) || !(incoming instanceof Resource in)) return;
        if (!masksAnything(role, in) && !masksAnything(role, was)) return;
        for (ElementPath p : matrix.masksOf(role, in.fhirType())) p.keep(was, in);
        Map<String, Resource> before = new HashMap<>();
        for (Resource c : ContainedResources.of(was)) before.put(c.fhirType() + "/" + ContainedResources.localId(c), c);
        for (Resource contained : ContainedResources.of(in)) {
            Resource old = before.get(contained.fhirType() + "/" + ContainedResources.localId(contained));
            for (ElementPath p : matrix.masksOf(role, contained.fhirType())) {
                if (old != null) p.keep(old, contained);
                else p.removeFrom(contained);
            }
        }
        if (in instanceof DomainResource d && !ContainedResources.of(was).isEmpty()) {
            // what the role's view dropped (reached only through masked elements, now put back) is the stored one
            Set<String> unseen = new HashSet<>(ContainedResources.reachable(was));
            unseen.removeAll(ContainedResources.reachable(masked(role, was)));
            d.getContained().removeIf(c -> unseen.contains(ContainedResources.localId(c)));
            for (Resource c : ContainedResources.of(was)) {
                if (unseen.contains(ContainedResources.localId(c))) d.getContained().add(c.copy());
            }
        }
        // the label describes a copy the hub gave out, not the stored resource
        in.getMeta().getSecurity().removeIf(c -> REDACTED_SYSTEM.equals(c.getSystem()) && REDACTED.equals(c.getCode()));
    }

    /** Whether {@code role} has a mask for the type of {@code resource} or of a resource it contains. */
    private boolean masksAnything(String role, Resource resource) {
        if (masks(role, resource.fhirType())) return true;
        return ContainedResources.of(resource).stream().anyMatch(c -> masks(role, c.fhirType()));
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
