package fr.crt.hub.insi;

import java.util.List;
import java.util.Objects;

/**
 * Identity traits sent to INSi, as the Référentiel INS names them.
 *
 * @param birthName   nom de naissance
 * @param firstNames  prénoms de naissance, in order (INSi receives the first one, or the whole list)
 * @param sex         {@code M}, {@code F} (INSi knows no other value)
 * @param birthDate   {@code YYYY-MM-DD}; {@code 00} for an unknown day or month, as INSi writes it
 * @param birthPlace  INSEE code of the commune of birth ({@code 99xxx} abroad), may be null
 */
public record InsiTraits(String birthName, List<String> firstNames, String sex, String birthDate, String birthPlace) {
    public InsiTraits {
        Objects.requireNonNull(birthName, "birthName");
        firstNames = List.copyOf(Objects.requireNonNull(firstNames, "firstNames"));
        Objects.requireNonNull(sex, "sex");
        Objects.requireNonNull(birthDate, "birthDate");
    }

    /** Never prints traits (rule 5: no health data in logs). */
    @Override
    public String toString() {
        return "InsiTraits[redacted]";
    }
}
