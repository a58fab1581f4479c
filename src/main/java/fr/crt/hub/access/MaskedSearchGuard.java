package fr.crt.hub.access;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A masked element must not be learnt by searching on it: a home-help worker who may not read a stay's reason could
 * otherwise ask {@code Encounter?reason-code=X} and learn it from which stays come back. A search by a care caller on a
 * parameter whose FHIRPath reaches an element its role has masked (directly, through {@code _sort}, a chain or a
 * {@code _has}, each however deep) is refused with 403 before it runs; the refusal is audited like any other.
 *
 * <p>Contained resources: a chain is checked on the type its reference reaches, whether the target is contained or
 * not; HAPI does not index contained resources (JPA {@code indexOnContainedResources} is off, as by default) and no R4
 * search parameter's path reads into a contained resource, so there is no other way to search in one.</p>
 */
@Interceptor
public class MaskedSearchGuard {

    private static final Pattern WHERE_OR_AS = Pattern.compile("\\.where\\(.*?\\)|\\.as\\(.*?\\)| as [A-Za-z]+|[()]");

    private final CallerContext callers;
    private final AccessMatrix matrix;
    private final FhirContext fhir;

    public MaskedSearchGuard(CallerContext callers, AccessMatrix matrix, FhirContext fhir) {
        this.callers = callers;
        this.matrix = matrix;
        this.fhir = fhir;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.SEARCH_TYPE && operation != RestOperationTypeEnum.SEARCH_SYSTEM) return;
        String type = request.getResourceName();
        if (type == null || request.getParameters().isEmpty()) return;
        CallerContext.Caller caller = callers.of(request);
        if (!caller.identity.careCaller() || !matrix.hasMasks(caller.identity.role())) return;
        String role = caller.identity.role();
        for (Map.Entry<String, String[]> p : request.getParameters().entrySet()) {
            String name = p.getKey();
            if (name.equals("_sort")) {
                for (String v : p.getValue()) {
                    for (String s : v.split(",")) refuseIfMasked(role, type, s.trim().replaceFirst("^-", ""));
                }
            } else if (name.startsWith("_has:")) {
                reverseChain(role, name.substring("_has:".length()));
            } else if (!name.startsWith("_")) {
                chain(role, type, name);
            }
        }
    }

    /**
     * {@code subject:Patient.link} or {@code encounter.subject:Patient.link}: each link of a chain is checked on each
     * type it may reach (the one named after the colon, else every target of the reference parameter), however deep.
     */
    private void chain(String role, String type, String chain) {
        String[] linkAndRest = chain.split("\\.", 2);
        String[] nameAndType = linkAndRest[0].split(":");
        refuseIfMasked(role, type, nameAndType[0]);
        if (linkAndRest.length < 2) return;
        RuntimeSearchParam sp = definition(type).getSearchParam(nameAndType[0]);
        if (sp == null) return;
        List<String> targets = new ArrayList<>();
        if (nameAndType.length > 1) targets.add(nameAndType[1]);
        else if (!sp.getTargets().isEmpty()) targets.addAll(sp.getTargets());
        else targets.addAll(fhir.getResourceTypes()); // a reference to any type
        for (String t : targets) {
            try {
                chain(role, t, linkAndRest[1]);
            } catch (ca.uhn.fhir.parser.DataFormatException unknownType) {
                // not a resource type: HAPI refuses the search itself
            }
        }
    }

    /** {@code Type:reference:parameter}, the parameter possibly a chain or another {@code _has:} (nested). */
    private void reverseChain(String role, String has) {
        String[] parts = has.split(":", 3);
        if (parts.length < 3) return;
        try {
            refuseIfMasked(role, parts[0], parts[1]);
            if (parts[2].startsWith("_has:")) reverseChain(role, parts[2].substring("_has:".length()));
            else chain(role, parts[0], parts[2]);
        } catch (ca.uhn.fhir.parser.DataFormatException unknownType) {
            // HAPI answers 400 for it
        }
    }

    private void refuseIfMasked(String role, String type, String parameter) {
        List<ElementPath> masked = matrix.masksOf(role, type);
        if (masked.isEmpty()) return;
        RuntimeSearchParam sp = definition(type).getSearchParam(parameter);
        if (sp == null || sp.getPath() == null) return;
        for (String alternative : WHERE_OR_AS.matcher(sp.getPath()).replaceAll("").split("\\|")) {
            String path = alternative.trim();
            for (ElementPath m : masked) {
                String e = m.elementPath();
                if (path.equals(e) || path.startsWith(e + ".") || e.startsWith(path + ".")) {
                    throw new ForbiddenOperationException("Access denied: this role may not search on " + type + "?" + parameter
                            + " (it reaches " + e + ", masked for the role in mappings/access-matrix.yaml)");
                }
            }
        }
    }

    private RuntimeResourceDefinition definition(String type) {
        return fhir.getResourceDefinition(type);
    }
}
