package fr.crt.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NirValidatorTest {

    private final NirValidator validator = new NirValidator();

    @ParameterizedTest
    @ValueSource(strings = {"279035121518989", "274075176079430", "162018885045327", "109076322083489", "180032B02040123"})
    void acceptsTheKeysConfirmedInTheSamples(String nir) {
        assertThat(validator.check(nir)).isEqualTo(new NirCheck(true, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"276037510669380", "123456789012244", "181036322045660", "281036322045610"})
    void rejectsWrongKeysWithoutQuotingTheNumber(String nir) {
        NirCheck check = validator.check(nir);
        assertThat(check.valid()).isFalse();
        assertThat(check.reason()).contains("key").doesNotContain(nir).doesNotContain(nir.substring(0, 13))
                .doesNotContain(nir.substring(13));
    }

    @Test
    void correctKeysOfTheBrokenSamplesAreAccepted() {
        assertThat(validator.isValid("276037510669326")).isTrue();
        assertThat(validator.isValid("123456789012212")).isTrue();
        assertThat(validator.isValid("181036322045676")).isTrue();
    }

    @Test
    void corsicaUsesTheSubstitutedDepartmentOnly() {
        assertThat(validator.isValid("180032B020401" + "23")).isTrue();
        assertThat(validator.isValid("180032A020401" + "23")).isFalse();
        assertThat(validator.isValid("180031802040123")).isTrue(); // 18 is what 2B stands for
    }

    @Test
    void rejectsMalformedValues() {
        assertThat(validator.check("27707279035121518989").reason()).contains("15 characters").doesNotContain("2770727");
        assertThat(validator.isValid(null)).isFalse();
        assertThat(validator.isValid("")).isFalse();
        assertThat(validator.isValid("2790351215189")).isFalse();
        assertThat(validator.isValid("27903512151X989")).isFalse();
        assertThat(validator.isValid("2790351215189AB")).isFalse();
    }

    @Test
    void noContradictionWhenTraitsMatch() {
        assertThat(validator.contradictions("279035121518989", AdministrativeGender.FEMALE, LocalDate.of(1979, 3, 28)))
                .isEmpty();
    }

    @Test
    void findsSexYearAndMonthContradictionsWithoutPersonalData() {
        var findings = validator.contradictions("279035121518989", AdministrativeGender.MALE, LocalDate.of(1980, 4, 28));
        assertThat(findings).hasSize(3);
        assertThat(String.join(" ", findings)).doesNotContain("279035121518989").doesNotContain("1980").doesNotContain("79");
    }

    @Test
    void specialSexDigitsAndMonthCodesAreNotContradictions() {
        // sex 7 (temporary number), month 99 (unknown)
        assertThat(validator.contradictions("779995121518989", AdministrativeGender.FEMALE, LocalDate.of(1979, 3, 1)))
                .isEmpty();
        // month 30 (fictitious month for incomplete civil status), month 50+
        assertThat(validator.contradictions("179305121518989", AdministrativeGender.MALE, LocalDate.of(1979, 3, 1)))
                .isEmpty();
        assertThat(validator.contradictions("179515121518989", AdministrativeGender.MALE, LocalDate.of(1979, 3, 1)))
                .isEmpty();
        // month 45 is not a known month code (the FR Core example)
        assertThat(validator.contradictions("123456789012244", AdministrativeGender.MALE, LocalDate.of(1923, 4, 1)))
                .containsExactly("INS birth-month digits are not a known month code");
    }
}
