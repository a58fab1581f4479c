package fr.crt.hub.access;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.parser.DataFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;

/**
 * One element path of a mask in {@code mappings/access-matrix.yaml}: {@code Type.element[.element…]}, optionally
 * ending in {@code .where(<FHIRPath criteria>)} to take only some repetitions (e.g.
 * {@code Patient.identifier.where(system='urn:oid:…')}). Checked against HAPI's R4 definitions when the matrix loads,
 * so a typo is refused there (the previous matrix kept), not discovered as an element that silently still leaves.
 *
 * <p>Elements are reached with HAPI's {@link ca.uhn.fhir.util.FhirTerser} and removed through the model's own
 * child mutators; the criteria are evaluated by HAPI's FHIRPath engine.
 */
public final class ElementPath {

    private static final Pattern SHAPE =
            Pattern.compile("([A-Z][A-Za-z]+)((?:\\.[a-z][A-Za-z]*)+)(?:\\.where\\((.+)\\))?");
    /** What keeps a resource identifiable and versioned: never masked. */
    private static final Set<String> UNMASKABLE = Set.of("id", "meta", "implicitRules", "language");

    private final String text;
    private final String type;
    private final List<String> names;
    private final String parentPath;
    private final String last;
    private final IFhirPath.IParsedExpression criteria;
    /** Built once per path with criteria (building a FHIRPath engine costs); HAPI shares its engines between threads too. */
    private final IFhirPath engine;
    private final FhirContext fhir;

    private ElementPath(String text, String type, List<String> names, IFhirPath engine, IFhirPath.IParsedExpression criteria,
                        FhirContext fhir) {
        this.text = text;
        this.type = type;
        this.names = List.copyOf(names);
        this.parentPath = names.size() == 1 ? null : String.join(".", names.subList(0, names.size() - 1));
        this.last = names.get(names.size() - 1);
        this.criteria = criteria;
        this.engine = engine;
        this.fhir = fhir;
    }

    /** Parses and checks {@code text}; an IllegalArgumentException says what is wrong with it. */
    public static ElementPath parse(String text, FhirContext fhir) {
        String t = text == null ? "" : text.trim();
        Matcher m = SHAPE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("mask path '" + t + "': expected Type.element[.element...][.where(criteria)]");
        }
        String type = m.group(1);
        List<String> names = List.of(m.group(2).substring(1).split("\\."));
        BaseRuntimeElementCompositeDefinition<?> def;
        try {
            def = fhir.getResourceDefinition(type);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("mask path '" + t + "': unknown resource type " + type);
        }
        if (UNMASKABLE.contains(names.get(0))) {
            throw new IllegalArgumentException("mask path '" + t + "': " + names.get(0) + " may not be masked (the resource must stay identifiable)");
        }
        StringBuilder seen = new StringBuilder(type);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            seen.append('.').append(name);
            BaseRuntimeChildDefinition child = child(def, name);
            if (child == null) throw new IllegalArgumentException("mask path '" + t + "': no element " + seen + " in FHIR R4");
            if (i == names.size() - 1) break;
            BaseRuntimeElementDefinition<?> next = child.getChildByName(name);
            if (!(next instanceof BaseRuntimeElementCompositeDefinition<?> c)) {
                throw new IllegalArgumentException("mask path '" + t + "': " + seen + " has no child elements");
            }
            def = c;
        }
        IFhirPath.IParsedExpression criteria = null;
        IFhirPath engine = null;
        if (m.group(3) != null) {
            try {
                engine = fhir.newFhirPath();
                criteria = engine.parse(names.get(names.size() - 1) + ".where(" + m.group(3) + ")");
            } catch (Exception e) {
                throw new IllegalArgumentException("mask path '" + t + "': criteria do not parse as FHIRPath: " + e.getMessage());
            }
            // the engine's first evaluation loads the R4 definitions (seconds): here, at load, not in a caller's request
            try {
                engine.evaluate(fhir.getResourceDefinition(type).newInstance(), criteria, IBase.class);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("mask path '" + t + "': criteria cannot be evaluated: " + e.getMessage());
            }
        }
        return new ElementPath(t, type, names, engine, criteria, fhir);
    }

    public String resourceType() {
        return type;
    }

    /** The element as a FHIRPath without criteria, e.g. {@code Encounter.reasonCode}. */
    public String elementPath() {
        return type + "." + String.join(".", names);
    }

    @Override
    public String toString() {
        return text;
    }

    /** Removes the element(s) from {@code resource} (which the caller owns: a copy, never a stored instance). */
    void removeFrom(IBaseResource resource) {
        for (IBase parent : parents(resource, false)) replace(parent, List.of());
    }

    /**
     * Puts back into {@code incoming} the element(s) as {@code stored} holds them (nothing when it holds none):
     * parents are paired in order, a parent the stored version lacks gets nothing.
     */
    void keep(IBaseResource stored, IBaseResource incoming) {
        List<IBase> from = parents(stored, false);
        boolean anyStored = from.stream().anyMatch(p -> !selected(p).isEmpty());
        List<IBase> to = parents(incoming, anyStored);
        for (int i = 0; i < to.size(); i++) {
            List<IBase> values = i < from.size() ? selected(from.get(i)) : List.of();
            replace(to.get(i), values.stream().map(v -> (IBase) ((Base) v).copy()).toList());
        }
    }

    private List<IBase> parents(IBaseResource resource, boolean create) {
        if (parentPath == null) return List.of(resource);
        return fhir.newTerser().getValues(resource, parentPath, create);
    }

    /** The values of the last element under {@code parent} that the path takes (all of them without criteria). */
    private List<IBase> selected(IBase parent) {
        if (criteria == null) return childOf(parent).getAccessor().getValues(parent);
        return engine.evaluate(parent, criteria, IBase.class);
    }

    /** Leaves under {@code parent} the values the path does not take, then {@code added}. */
    private void replace(IBase parent, List<IBase> added) {
        BaseRuntimeChildDefinition child = childOf(parent);
        List<IBase> taken = selected(parent);
        List<IBase> kept = new ArrayList<>();
        for (IBase v : child.getAccessor().getValues(parent)) {
            if (taken.stream().noneMatch(x -> x == v)) kept.add(v);
        }
        child.getMutator().setValue(parent, null);
        for (IBase v : kept) child.getMutator().addValue(parent, v);
        for (IBase v : added) child.getMutator().addValue(parent, v);
    }

    private BaseRuntimeChildDefinition childOf(IBase parent) {
        BaseRuntimeElementCompositeDefinition<?> def = parent instanceof IBaseResource r
                ? fhir.getResourceDefinition(r)
                : (BaseRuntimeElementCompositeDefinition<?>) fhir.getElementDefinition(parent.getClass());
        return child(def, last);
    }

    /** A child by its name, a choice element ({@code deceased[x]}) by its name without the type. */
    private static BaseRuntimeChildDefinition child(BaseRuntimeElementCompositeDefinition<?> def, String name) {
        BaseRuntimeChildDefinition c = def.getChildByName(name);
        return c != null ? c : def.getChildByName(name + "[x]");
    }
}
