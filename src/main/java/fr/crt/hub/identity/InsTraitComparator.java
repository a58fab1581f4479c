package fr.crt.hub.identity;

import fr.crt.hub.insi.InsiIdentity;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Compares the traits of a local identity with the reference traits (TIQ) INSi returned, and says which differ.
 * An identity may become <i>récupérée</i> only when nothing differs.
 *
 * <p><b>Rules and their sources.</b>
 * <ul>
 *   <li>The five strict traits compared are those of the INS (ANS, <i>Référentiel Identifiant national de santé</i>,
 *       "traits INS": nom de naissance, prénom(s) de naissance, date de naissance, sexe, code INSEE du lieu de
 *       naissance), and the local identity may take the INS only after the traits returned by INSi were found
 *       consistent with it (ANS, <i>Guide d'implémentation de l'identité INS dans les logiciels</i>, récupération de
 *       l'INS par le téléservice INSi; RNIV 1 <i>Principes d'identification des usagers</i>, statut "identité
 *       récupérée"; FR Core 2.2.0 {@code fr-core-cs-identity-status}: RECUP = "récupérée sur le téléservice INSi après
 *       avoir été comparée avec succès aux traits de la personne").</li>
 *   <li>Writing of the traits: upper case letters without diacritics, hyphen, apostrophe and single spaces only
 *       (RNIV 1, saisie des traits; the INSi request samples, e.g. {@code D'AEION}, {@code COEUR} for Cœur). Both sides
 *       are brought to that form before comparing: upper case (root locale), diacritics removed by Unicode
 *       decomposition (É→E, Ç→C, Ï→I), ligatures spelt out (Œ→OE, Æ→AE), typographic apostrophes and hyphens mapped
 *       to {@code '} and {@code -}, runs of white space to one space, no space next to a hyphen or apostrophe, trimmed.
 *       Nothing else is removed: a hyphen is not a space ({@code JEAN-PIERRE} ≠ {@code JEAN PIERRE}), an apostrophe is
 *       not nothing ({@code D'AEION} ≠ {@code DAEION}), and any other character (digit, dot) stays and mismatches.</li>
 *   <li>First names: INSi returns the ordered list of birth first names ({@code ListePrenom}, space separated) and,
 *       in older answers, the first one ({@code Prenom}); the first birth first name is {@code Prenom}, else the list
 *       up to the first space (a compound first name is hyphenated, {@code PIERRE-ALAIN}). The local first name must
 *       equal INSi's first first name or the whole list; the local list (PID-5.3) must equal INSi's list. A missing
 *       local list is a difference (the list is an INS trait; FR Core fr-core-patient-ins requires it).</li>
 *   <li>Birth date: {@code YYYY-MM-DD} where INSi writes {@code 00} for an unknown month or day; the local partial
 *       date (FHIR year or year-month precision) is written the same way, and the strings must be equal. A local full
 *       date never equals an INSi date with {@code 00} (a conventional 01/01 is not "unknown").</li>
 *   <li>Birth place: the INSEE code; abroad the {@code 99xxx} country code (INSEE COG), compared exactly. Corsica:
 *       births before 1976 were coded in department {@code 20}; the commune numbers were kept when it was split
 *       into {@code 2A}/{@code 2B}, so a local {@code 20xxx} equals INSi's {@code 2Axxx} or {@code 2Bxxx} with the
 *       same three digits; {@code 2A} and {@code 2B} never equal each other. A place present on one side only is a
 *       difference.</li>
 *   <li>Sex: {@code M} or {@code F}, equal; any other local gender is a difference (INSi knows no other value).</li>
 * </ul>
 * Where the sources leave a case open (missing local list or place, 01/01 for an unknown date, spaces around
 * hyphens in the local entry being the only tolerance) the strict reading is taken: a false mismatch makes a
 * vigilance task, a false match would be a patient-safety incident.
 *
 * <p>Nothing here logs; the result names traits, never their values.
 */
public final class InsTraitComparator {

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACE_AROUND_JOINERS = Pattern.compile(" ?([-']) ?");

    public TraitComparison compare(LocalTraits local, InsiIdentity insi) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(insi, "insi");
        List<InsTrait> differing = new ArrayList<>();

        if (!sameText(local.birthName(), insi.birthName())) {
            differing.add(InsTrait.BIRTH_NAME);
        }
        String insiList = normalize(String.join(" ", insi.firstNames()));
        String insiFirst = normalize(insi.firstName());
        if (insiFirst == null && insiList != null) {
            insiFirst = insiList.split(" ")[0];
        }
        if (insiList == null) {
            insiList = insiFirst;
        }
        String localFirst = normalize(local.firstName());
        if (localFirst == null || !(localFirst.equals(insiFirst) || localFirst.equals(insiList))) {
            differing.add(InsTrait.FIRST_NAME);
        }
        String localList = normalize(local.firstNames());
        if (localList == null || !localList.equals(insiList)) {
            differing.add(InsTrait.FIRST_NAMES);
        }
        if (local.sex() == null || !local.sex().equals(insi.sex())) {
            differing.add(InsTrait.SEX);
        }
        if (local.birthDate() == null || !local.birthDate().equals(trimToNull(insi.birthDate()))) {
            differing.add(InsTrait.BIRTH_DATE);
        }
        if (!samePlace(local.birthPlace(), insi.birthPlace())) {
            differing.add(InsTrait.BIRTH_PLACE);
        }
        return new TraitComparison(differing);
    }

    /** The form INSi writes traits in (see the class comment); null for null or blank. */
    public static String normalize(String s) {
        if (s == null) {
            return null;
        }
        String t = s.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u02BC', '\'').replace('`', '\'')
                .replace('\u00B4', '\'')
                .replace('\u2010', '-').replace('\u2011', '-').replace('\u2013', '-')
                .replace("\u0152", "OE").replace("\u0153", "OE").replace("\u00C6", "AE").replace("\u00E6", "AE")
                .replace("\u00DF", "SS");
        t = MARKS.matcher(Normalizer.normalize(t, Normalizer.Form.NFD)).replaceAll("");
        t = t.toUpperCase(Locale.ROOT);
        t = SPACES.matcher(t).replaceAll(" ").trim();
        t = SPACE_AROUND_JOINERS.matcher(t).replaceAll("$1");
        return t.isEmpty() ? null : t;
    }

    static boolean sameText(String local, String insi) {
        String a = normalize(local);
        return a != null && a.equals(normalize(insi));
    }

    static boolean samePlace(String local, String insi) {
        String l = trimToNull(local);
        String i = trimToNull(insi);
        if (l == null || i == null) {
            return l == null && i == null;
        }
        l = l.toUpperCase(Locale.ROOT);
        i = i.toUpperCase(Locale.ROOT);
        if (l.equals(i)) {
            return true;
        }
        return corsicanPair(l, i) || corsicanPair(i, l);
    }

    /** {@code 20xxx} (before 1976) and {@code 2Axxx}/{@code 2Bxxx}: the same commune. */
    private static boolean corsicanPair(String old, String split) {
        return old.length() == 5 && split.length() == 5 && old.startsWith("20")
                && (split.startsWith("2A") || split.startsWith("2B"))
                && old.substring(2).equals(split.substring(2));
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
