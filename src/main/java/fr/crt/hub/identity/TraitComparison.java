package fr.crt.hub.identity;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Outcome of {@link InsTraitComparator#compare}: which traits differ (by name only).
 *
 * @param differing traits that are not equal after normalisation, or missing on one side; empty on an exact match
 */
public record TraitComparison(List<InsTrait> differing) {

    public TraitComparison {
        differing = List.copyOf(differing);
    }

    public boolean matches() {
        return differing.isEmpty();
    }

    /** e.g. {@code BIRTH_NAME,SEX}; safe for logs and audit details (names of traits, never values). */
    public String names() {
        return differing.stream().map(Enum::name).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return matches() ? "TraitComparison[match]" : "TraitComparison[differ=" + names() + "]";
    }
}
