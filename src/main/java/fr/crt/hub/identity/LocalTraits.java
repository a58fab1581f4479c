package fr.crt.hub.identity;

import fr.crt.hub.insi.InsiTraits;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;

/**
 * The INS traits of a local identity, read from a FR Core Patient as {@code dui.PamFrPatientMapper} writes it: the
 * {@code official} name (PID-5 type L) with its family (birth name), first given (first birth first name) and the
 * {@code fr-core-patient-birth-list-given-name} extension (list of birth first names, PID-5.3); the gender; the birth
 * date (partial dates become {@code 00} day/month, as INSi writes them); the INSEE code of the birth place
 * ({@code patient-birthPlace} address, {@code fr-core-address-insee-code}).
 *
 * @param birthName  nom de naissance, as received
 * @param firstName  premier prénom de naissance, as received
 * @param firstNames liste des prénoms de naissance, as received (space separated), may be null
 * @param sex        {@code M} or {@code F}, null for any other gender
 * @param birthDate  {@code YYYY-MM-DD} with {@code 00} for an unknown month or day, null when absent
 * @param birthPlace INSEE code (commune, or {@code 99xxx} country), null when absent
 */
public record LocalTraits(String birthName, String firstName, String firstNames, String sex, String birthDate,
                          String birthPlace) {

    /** Reads the traits of {@code p}; missing traits are null. */
    public static LocalTraits from(Patient p) {
        HumanName official = p.getName().stream().filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL)
                .findFirst().orElse(null);
        String family = official != null && official.hasFamily() ? official.getFamily() : null;
        String given = official != null && official.hasGiven() ? official.getGiven().get(0).getValue() : null;
        String list = null;
        if (official != null) {
            Extension e = official.getExtensionByUrl(IdentityFhir.EXT_BIRTH_LIST_GIVEN_NAME);
            if (e != null && e.getValue() != null) {
                list = e.getValue().primitiveValue();
            }
        }
        String sex = p.getGender() == AdministrativeGender.MALE ? "M"
                : p.getGender() == AdministrativeGender.FEMALE ? "F" : null;
        return new LocalTraits(family, given, list, sex, insiDate(p.getBirthDateElement()), birthPlace(p));
    }

    /** FHIR (partial) date → INSi form: {@code 1950} → {@code 1950-00-00}, {@code 1950-03} → {@code 1950-03-00}. */
    static String insiDate(DateType d) {
        if (d == null || d.isEmpty() || d.getValueAsString() == null) {
            return null;
        }
        String v = d.getValueAsString();
        return switch (v.length()) {
            case 4 -> v + "-00-00";
            case 7 -> v + "-00";
            default -> v.length() >= 10 ? v.substring(0, 10) : null;
        };
    }

    private static String birthPlace(Patient p) {
        Extension bp = p.getExtensionByUrl(IdentityFhir.EXT_BIRTH_PLACE);
        if (bp == null || !(bp.getValue() instanceof Address a)) {
            return null;
        }
        Extension insee = a.getExtensionByUrl(IdentityFhir.EXT_ADDRESS_INSEE_CODE);
        if (insee == null || !(insee.getValue() instanceof Coding c) || !c.hasCode()) {
            return null;
        }
        return c.getCode();
    }

    /** Whether INSi can be asked with these traits (its request needs name, a first name, sex and birth date). */
    public boolean searchable() {
        return notBlank(birthName) && (notBlank(firstName) || notBlank(firstNames)) && sex != null && birthDate != null;
    }

    /** The request traits: the birth first-name list when known, else the first birth first name. */
    public InsiTraits toInsiTraits() {
        List<String> names = notBlank(firstNames)
                ? Arrays.stream(firstNames.trim().split("\\s+")).toList()
                : List.of(firstName.trim());
        return new InsiTraits(birthName.trim(), names, sex, birthDate, birthPlace);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** Never prints traits (DESIGN rule 5). */
    @Override
    public String toString() {
        return "LocalTraits[redacted]";
    }
}
