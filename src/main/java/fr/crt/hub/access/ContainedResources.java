package fr.crt.hub.access;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The resources a resource contains and which of them its own elements reach ({@code #id} references, followed from
 * contained resource to contained resource). Element masks use it: a contained resource is masked by its own type,
 * and one that only masked elements referred to (a stay's diagnosis contained as a Condition) goes with them.
 */
final class ContainedResources {

    private ContainedResources() {}

    static List<Resource> of(Resource resource) {
        return resource instanceof DomainResource d ? d.getContained() : List.of();
    }

    /** {@code #stay} and {@code stay} are the same local id (parsers and writers differ on the hash). */
    static String localId(Resource contained) {
        String id = contained.getIdElement().getValue();
        return id == null ? "" : id.startsWith("#") ? id.substring(1) : id;
    }

    /** Local ids of the contained resources reached from {@code resource}'s own elements, directly or through others. */
    static Set<String> reachable(Resource resource) {
        Map<String, Resource> byId = new HashMap<>();
        for (Resource c : of(resource)) byId.put(localId(c), c);
        Set<String> reached = new LinkedHashSet<>();
        if (byId.isEmpty()) return reached;
        Deque<String> next = new ArrayDeque<>(references(resource, byId));
        while (!next.isEmpty()) {
            String id = next.pop();
            if (byId.containsKey(id) && reached.add(id)) next.addAll(references(byId.get(id), byId));
        }
        return reached;
    }

    /** Drops the contained resources that {@code reachedBefore} held and nothing reaches any more. */
    static void dropUnreached(Resource resource, Set<String> reachedBefore) {
        if (reachedBefore.isEmpty()) return;
        Set<String> now = reachable(resource);
        of(resource).removeIf(c -> reachedBefore.contains(localId(c)) && !now.contains(localId(c)));
    }

    private static Set<String> references(Resource from, Map<String, Resource> contained) {
        Set<String> out = new LinkedHashSet<>();
        collect(from, out, contained, true);
        return out;
    }

    private static void collect(Base element, Set<String> out, Map<String, Resource> contained, boolean top) {
        if (element instanceof Reference ref) {
            String target = ref.getReferenceElement().getValue();
            if (target != null && target.startsWith("#") && target.length() > 1) {
                out.add(target.substring(1));
            } else if (target == null && ref.getResource() instanceof Resource r && contained.containsValue(r)) {
                out.add(localId(r));
            }
        }
        for (Property p : element.children()) {
            if (top && p.getName().equals("contained")) continue; // what the resource contains is not what it says
            for (Base v : p.getValues()) collect(v, out, contained, false);
        }
    }
}
