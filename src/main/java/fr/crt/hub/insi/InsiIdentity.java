package fr.crt.hub.insi;

import java.util.List;

/**
 * One identity returned by INSi ({@code INDIVIDU}): the active INS, the INS history and the reference traits (TIQ).
 *
 * @param ins          NIR or NIA, 13 characters + 2-digit key (15 characters)
 * @param oid          {@code 1.2.250.1.213.1.4.8} NIR, {@code .9} NIA, {@code .10}/{@code .11} test/demo
 * @param birthName    NomNaissance
 * @param firstName    Prenom (first birth first name)
 * @param firstNames   ListePrenom split on spaces, in order
 * @param sex          M or F
 * @param birthDate    DateNaissance, {@code 00} for unknown day or month
 * @param birthPlace   LieuNaissance (INSEE code), may be null
 * @param history      INSHISTO entries (ins + key), oldest first
 */
public record InsiIdentity(String ins, String oid, String birthName, String firstName, List<String> firstNames,
                           String sex, String birthDate, String birthPlace, List<String> history) {
    public InsiIdentity {
        firstNames = firstNames == null ? List.of() : List.copyOf(firstNames);
        history = history == null ? List.of() : List.copyOf(history);
    }

    @Override
    public String toString() {
        return "InsiIdentity[redacted, oid=" + oid + "]";
    }
}
