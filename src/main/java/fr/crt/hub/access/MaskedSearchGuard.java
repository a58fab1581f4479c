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
 * {@code _has}) is refused with 403 before it runs; the refusal is audited like any other.
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
                // _has:Type:reference:parameter (possibly nested)
                String[] parts = name.split(":", 4);
                if (parts.length == 4) {
                    try {
                        refuseIfMasked(role, parts[1], parts[3].split(":")[0]);
                    } catch (ca.uhn.fhir.parser.DataFormatException unknownType) {
                        // HAPI answers 400 for it
                    }
                }
            } else if (!name.startsWith("_")) {
                int dot = name.indexOf('.');
                if (dot < 0) {
                    refuseIfMasked(role, type, name.split(":")[0]);
                } else {
                    String reference = name.substring(0, dot); // e.g. subject:Patient
                    refuseIfMasked(role, type, reference.split(":")[0]);
                    chained(role, type, reference, name.substring(dot + 1));
                }
            }
        }
    }

    /** {@code subject:Patient.marital-status}: the parameter after the dot is checked on each type it may target. */
    private void chained(String role, String type, String reference, String rest) {
        String[] refAndType = reference.split(":");
        RuntimeSearchParam sp = definition(type).getSearchParam(refAndType[0]);
        if (sp == null) return;
        List<String> targets = new ArrayList<>();
        if (refAndType.length > 1) targets.add(refAndType[1]);
        else targets.addAll(sp.getTargets());
        String next = rest.split("\\.")[0].split(":")[0];
        for (String t : targets) {
            try {
                refuseIfMasked(role, t, next);
            } catch (ca.uhn.fhir.parser.DataFormatException unknownType) {
                // not a resource type: nothing to check
            }
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
