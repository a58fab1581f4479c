package fr.crt.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.insi.InsiIdentity;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trait comparison cases of the Référentiel INS / guide d'implémentation INS (see {@link InsTraitComparator}): each
 * row is local traits (as PID-5/7/8/11 give them) against INSi TIQ traits (as the fixtures in
 * {@code ../shared/samples/insi} carry them), and the traits that must be reported as differing.
 */
class InsTraitComparatorTest {

    private final InsTraitComparator comparator = new InsTraitComparator();

    /** INSi TIQ of {@code responses/TEST_2.04_cas2_CR00_ECETINSI_PIERRE-ALAIN_with_INSHISTO.xml}. */
    static InsiIdentity ecetinsi() {
        return insi("ECETINSI", null, "PIERRE-ALAIN MURIEL FLORIANT", "M", "2009-07-14", "63220");
    }

    static InsiIdentity insi(String name, String first, String list, String sex, String date, String place) {
        return new InsiIdentity("109076322083489".substring(0, 15), "1.2.250.1.213.1.4.8", name, first,
                list == null ? List.of() : Arrays.asList(list.split(" ")), sex, date, place, List.of());
    }

    static LocalTraits local(String name, String first, String list, String sex, String date, String place) {
        return new LocalTraits(name, first, list, sex, date, place);
    }

    static Stream<Arguments> cases() {
        LocalTraits ok = local("ECETINSI", "PIERRE-ALAIN", "PIERRE-ALAIN MURIEL FLORIANT", "M", "2009-07-14", "63220");
        return Stream.of(
                Arguments.of("exact", ok, ecetinsi(), Set.of()),
                Arguments.of("lower case and extra spaces", local("ecetinsi ", "Pierre-Alain",
                        "Pierre-Alain  Muriel   Floriant", "M", "2009-07-14", "63220"), ecetinsi(), Set.of()),
                // compound first names: a hyphen is not a space
                Arguments.of("JEAN-PIERRE vs JEAN PIERRE (first name)",
                        local("MARTIN", "JEAN-PIERRE", "JEAN-PIERRE", "M", "1940-01-02", "17300"),
                        insi("MARTIN", null, "JEAN PIERRE", "M", "1940-01-02", "17300"),
                        Set.of(InsTrait.FIRST_NAME, InsTrait.FIRST_NAMES)),
                Arguments.of("JEAN PIERRE vs JEAN-PIERRE",
                        local("MARTIN", "JEAN PIERRE", "JEAN PIERRE", "M", "1940-01-02", "17300"),
                        insi("MARTIN", null, "JEAN-PIERRE", "M", "1940-01-02", "17300"),
                        Set.of(InsTrait.FIRST_NAME, InsTrait.FIRST_NAMES)),
                Arguments.of("local first name = INSi first of a list",
                        local("MARTIN", "JEAN", "JEAN PIERRE", "M", "1940-01-02", "17300"),
                        insi("MARTIN", null, "JEAN PIERRE", "M", "1940-01-02", "17300"), Set.of()),
                Arguments.of("local first name = the whole INSi list",
                        local("MARTIN", "JEAN PIERRE", "JEAN PIERRE", "M", "1940-01-02", "17300"),
                        insi("MARTIN", null, "JEAN PIERRE", "M", "1940-01-02", "17300"), Set.of()),
                Arguments.of("local first name is the second INSi first name",
                        local("MARTIN", "PIERRE", "JEAN PIERRE", "M", "1940-01-02", "17300"),
                        insi("MARTIN", null, "JEAN PIERRE", "M", "1940-01-02", "17300"), Set.of(InsTrait.FIRST_NAME)),
                Arguments.of("INSi Prenom element wins over the list's first token",
                        local("CORSE", "ANTHONY", "ANTHONY", "M", "1980-03-02", "2B020"),
                        insi("CORSE", "ANTHONY", "ANTHONY", "M", "1980-03-02", "2B020"), Set.of()),
                Arguments.of("local list missing", local("ECETINSI", "PIERRE-ALAIN", null, "M", "2009-07-14", "63220"),
                        ecetinsi(), Set.of(InsTrait.FIRST_NAMES)),
                Arguments.of("local list shorter", local("ECETINSI", "PIERRE-ALAIN", "PIERRE-ALAIN MURIEL", "M",
                        "2009-07-14", "63220"), ecetinsi(), Set.of(InsTrait.FIRST_NAMES)),
                // apostrophes and hyphens (request_rechercherInsAvecTraitsIdentite_D-AEION_apostrophe.xml: D'AEION, COEUR)
                Arguments.of("D'AEION exact", local("D'AEION", "COEUR", "COEUR", "M", "1987-01-25", "99100"),
                        insi("D'AEION", null, "COEUR", "M", "1987-01-25", "99100"), Set.of()),
                Arguments.of("typographic apostrophe and Œ ligature",
                        local("D\u2019Aeion", "C\u0153ur", "C\u0153ur", "M", "1987-01-25", "99100"),
                        insi("D'AEION", null, "COEUR", "M", "1987-01-25", "99100"), Set.of()),
                Arguments.of("apostrophe dropped", local("DAEION", "COEUR", "COEUR", "M", "1987-01-25", "99100"),
                        insi("D'AEION", null, "COEUR", "M", "1987-01-25", "99100"), Set.of(InsTrait.BIRTH_NAME)),
                Arguments.of("apostrophe as a space", local("D AEION", "COEUR", "COEUR", "M", "1987-01-25", "99100"),
                        insi("D'AEION", null, "COEUR", "M", "1987-01-25", "99100"), Set.of(InsTrait.BIRTH_NAME)),
                Arguments.of("space typed after the apostrophe", local("D' AEION", "COEUR", "COEUR", "M",
                        "1987-01-25", "99100"), insi("D'AEION", null, "COEUR", "M", "1987-01-25", "99100"), Set.of()),
                Arguments.of("hyphenated birth name vs space", local("MARTIN DUBOIS", "ANNE", "ANNE", "F", "1950-05-06",
                        "17300"), insi("MARTIN-DUBOIS", null, "ANNE", "F", "1950-05-06", "17300"),
                        Set.of(InsTrait.BIRTH_NAME)),
                // accents
                Arguments.of("É→E, È→E, Ç→C, Ï→I", local("Hélène-Bérénice", "FRANÇOISE", "Françoise Héloïse", "F",
                        "1950-05-06", "17300"), insi("HELENE-BERENICE", null, "FRANCOISE HELOISE", "F", "1950-05-06",
                        "17300"), Set.of()),
                // one letter
                Arguments.of("one differing letter in the birth name", local("ECETINSY", "PIERRE-ALAIN",
                        "PIERRE-ALAIN MURIEL FLORIANT", "M", "2009-07-14", "63220"), ecetinsi(),
                        Set.of(InsTrait.BIRTH_NAME)),
                Arguments.of("one differing letter in a later first name", local("ECETINSI", "PIERRE-ALAIN",
                        "PIERRE-ALAIN MURIELLE FLORIANT", "M", "2009-07-14", "63220"), ecetinsi(),
                        Set.of(InsTrait.FIRST_NAMES)),
                // sex
                Arguments.of("sex mismatch", local("ECETINSI", "PIERRE-ALAIN", "PIERRE-ALAIN MURIEL FLORIANT", "F",
                        "2009-07-14", "63220"), ecetinsi(), Set.of(InsTrait.SEX)),
                Arguments.of("sex unknown locally", local("ECETINSI", "PIERRE-ALAIN", "PIERRE-ALAIN MURIEL FLORIANT",
                        null, "2009-07-14", "63220"), ecetinsi(), Set.of(InsTrait.SEX)),
                // birth dates with unknown day or month
                Arguments.of("unknown day both sides", local("X", "A", "A", "F", "1931-05-00", "17300"),
                        insi("X", null, "A", "F", "1931-05-00", "17300"), Set.of()),
                Arguments.of("unknown day and month both sides", local("X", "A", "A", "F", "1931-00-00", "17300"),
                        insi("X", null, "A", "F", "1931-00-00", "17300"), Set.of()),
                Arguments.of("conventional 01 locally, unknown at INSi", local("X", "A", "A", "F", "1931-05-01", "17300"),
                        insi("X", null, "A", "F", "1931-05-00", "17300"), Set.of(InsTrait.BIRTH_DATE)),
                Arguments.of("one day apart", local("ECETINSI", "PIERRE-ALAIN", "PIERRE-ALAIN MURIEL FLORIANT", "M",
                        "2009-07-15", "63220"), ecetinsi(), Set.of(InsTrait.BIRTH_DATE)),
                // birth place abroad
                Arguments.of("99xxx same country", local("X", "A", "A", "F", "1931-05-02", "99134"),
                        insi("X", null, "A", "F", "1931-05-02", "99134"), Set.of()),
                Arguments.of("99xxx other country", local("X", "A", "A", "F", "1931-05-02", "99134"),
                        insi("X", null, "A", "F", "1931-05-02", "99100"), Set.of(InsTrait.BIRTH_PLACE)),
                Arguments.of("French commune locally, abroad at INSi", local("X", "A", "A", "F", "1931-05-02", "17300"),
                        insi("X", null, "A", "F", "1931-05-02", "99134"), Set.of(InsTrait.BIRTH_PLACE)),
                Arguments.of("birth place missing locally", local("X", "A", "A", "F", "1931-05-02", null),
                        insi("X", null, "A", "F", "1931-05-02", "99134"), Set.of(InsTrait.BIRTH_PLACE)),
                // Corsica (TEST_2.08_cas1_CR00_CORSE_ANTHONY_2B.xml: 2B020)
                Arguments.of("2B same", local("CORSE", "ANTHONY", "ANTHONY", "M", "1980-03-02", "2B020"),
                        insi("CORSE", "ANTHONY", "ANTHONY", "M", "1980-03-02", "2B020"), Set.of()),
                Arguments.of("20xxx (before 1976) vs 2Bxxx", local("CORSE", "ANTHONY", "ANTHONY", "M", "1970-03-02",
                        "20020"), insi("CORSE", "ANTHONY", "ANTHONY", "M", "1970-03-02", "2B020"), Set.of()),
                Arguments.of("20xxx vs 2Axxx other commune", local("CORSE", "ANTHONY", "ANTHONY", "M", "1970-03-02",
                        "20021"), insi("CORSE", "ANTHONY", "ANTHONY", "M", "1970-03-02", "2A020"),
                        Set.of(InsTrait.BIRTH_PLACE)),
                Arguments.of("2A vs 2B", local("CORSE", "ANTHONY", "ANTHONY", "M", "1980-03-02", "2A020"),
                        insi("CORSE", "ANTHONY", "ANTHONY", "M", "1980-03-02", "2B020"), Set.of(InsTrait.BIRTH_PLACE)),
                Arguments.of("everything differs", local("DUPONT", "JEAN", "JEAN", "F", "1950-01-01", "75056"),
                        ecetinsi(), EnumSet.allOf(InsTrait.class)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void comparesAsTheReferentielSays(String name, LocalTraits local, InsiIdentity insi, Set<InsTrait> expected) {
        TraitComparison r = comparator.compare(local, insi);
        assertThat(Set.copyOf(r.differing())).as(name).isEqualTo(expected);
        assertThat(r.matches()).isEqualTo(expected.isEmpty());
    }

    @Test
    void resultAndTraitsNeverPrintValues() {
        TraitComparison r = comparator.compare(local("ECETINSY", "PIERRE-ALAIN", null, "F", "2009-07-14", "63220"),
                ecetinsi());
        assertThat(r.toString()).isEqualTo("TraitComparison[differ=BIRTH_NAME,FIRST_NAMES,SEX]")
                .doesNotContain("ECETINS");
        assertThat(local("ECETINSI", "P", "P", "M", "2009-07-14", "63220").toString()).doesNotContain("ECETINSI");
    }

    @Test
    void readsTheTraitsThePamFrMapperWrites() {
        Patient p = new Patient();
        HumanName official = p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily("ECETINSI");
        official.addGiven("PIERRE-ALAIN");
        official.addExtension(IdentityFhir.EXT_BIRTH_LIST_GIVEN_NAME, new StringType("PIERRE-ALAIN MURIEL FLORIANT"));
        p.addName().setUse(HumanName.NameUse.USUAL).setFamily("USED").addGiven("PIERRE");
        p.setGender(AdministrativeGender.MALE);
        p.setBirthDateElement(new DateType("2009-07-14"));
        Address place = new Address();
        place.addExtension(IdentityFhir.EXT_ADDRESS_INSEE_CODE, new Coding("x", "63220", null));
        p.addExtension(IdentityFhir.EXT_BIRTH_PLACE, place);

        LocalTraits t = LocalTraits.from(p);
        assertThat(comparator.compare(t, ecetinsi()).matches()).isTrue();
        assertThat(t.toInsiTraits().firstNames()).containsExactly("PIERRE-ALAIN", "MURIEL", "FLORIANT");
        assertThat(t.toInsiTraits().birthDate()).isEqualTo("2009-07-14");

        p.setBirthDateElement(new DateType("1931-05"));
        assertThat(LocalTraits.from(p).birthDate()).isEqualTo("1931-05-00");
        p.setBirthDateElement(new DateType("1931"));
        assertThat(LocalTraits.from(p).birthDate()).isEqualTo("1931-00-00");
        p.setGender(AdministrativeGender.OTHER);
        assertThat(LocalTraits.from(p).sex()).isNull();
        assertThat(LocalTraits.from(p).searchable()).isFalse();
    }
}
