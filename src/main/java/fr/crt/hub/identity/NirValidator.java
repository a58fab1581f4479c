package fr.crt.hub.identity;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.springframework.stereotype.Component;

/**
 * Checks INS matricules (NIR, or NIA for people waiting for a NIR) before the hub relies on them.
 *
 * <p>Why: the INS is the key the whole hub joins people on (DESIGN rule 3, "identity first"); a mistyped
 * matricule would silently merge two people or split one. The official samples even carry wrong keys
 * (see shared/samples/README.md), so every INS that enters is key-checked, and its sex / birth year / birth month
 * digits are compared with the traits sent alongside it.
 *
 * <p>Form: 15 characters = 13-character body + 2-digit key, key = 97 − (body mod 97). Corsican department codes
 * "2A" and "2B" (positions 6-7) are replaced by 19 and 18 before computing the key.
 *
 * <p>Nothing returned by this class contains the matricule itself: findings go to logs and the message store.
 */
@Component
public class NirValidator {

    /** Checks length, characters and control key. */
    public NirCheck check(String nir) {
        if (nir == null || nir.isEmpty()) {
            return NirCheck.invalid("INS matricule is empty");
        }
        if (nir.length() != 15) {
            return NirCheck.invalid("INS matricule must have 15 characters (13 + 2-digit key), found " + nir.length());
        }
        String body = nir.substring(0, 13);
        String key = nir.substring(13);
        if (!key.chars().allMatch(Character::isDigit)) {
            return NirCheck.invalid("INS key (last 2 characters) is not numeric");
        }
        String numericBody = corsicaToDigits(body);
        if (numericBody == null) {
            return NirCheck.invalid("INS matricule body has characters other than digits (and 2A/2B at positions 6-7)");
        }
        int expected = expectedKey(numericBody);
        if (expected != Integer.parseInt(key)) {
            // the expected key is not given: together with the body it would rebuild the matricule
            return NirCheck.invalid("INS control key does not match the matricule");
        }
        return NirCheck.ok();
    }

    /** Whether {@link #check(String)} accepts the value. */
    public boolean isValid(String nir) {
        return check(nir).valid();
    }

    /**
     * Compares the traits coded in the matricule with the person's traits.
     *
     * <p>Sex digit 1 = male, 2 = female; 3, 4, 7, 8 (special / temporary numbers) are not checked.
     * Birth month codes 20–42, 50 and above (and 99, unknown) are legitimately not a calendar month and are not findings.
     *
     * @return human-readable findings without the matricule, names or the traits' values; empty if consistent
     *         or if the matricule does not have the INS form (call {@link #check(String)} for that)
     */
    public List<String> contradictions(String nir, AdministrativeGender gender, LocalDate birthDate) {
        List<String> findings = new ArrayList<>();
        if (nir == null || nir.length() != 15 || !nir.substring(0, 5).chars().allMatch(Character::isDigit)) {
            return findings;
        }
        char sex = nir.charAt(0);
        if (gender == AdministrativeGender.MALE && sex == '2') {
            findings.add("INS sex digit says female but the gender sent is male");
        } else if (gender == AdministrativeGender.FEMALE && sex == '1') {
            findings.add("INS sex digit says male but the gender sent is female");
        }
        if (birthDate != null) {
            int yy = Integer.parseInt(nir.substring(1, 3));
            if (yy != birthDate.getYear() % 100) {
                findings.add("INS birth-year digits do not match the birth date year");
            }
            int mm = Integer.parseInt(nir.substring(3, 5));
            if (mm >= 1 && mm <= 12) {
                if (mm != birthDate.getMonthValue()) {
                    findings.add("INS birth-month digits do not match the birth date month");
                }
            } else if (!(mm >= 20 && mm <= 42) && mm < 50) {
                findings.add("INS birth-month digits are not a known month code");
            }
        }
        return findings;
    }

    /** 97 − (body mod 97), body being 13 digits (Corsica already substituted). */
    static int expectedKey(String thirteenDigits) {
        return 97 - (int) (Long.parseLong(thirteenDigits) % 97);
    }

    private static String corsicaToDigits(String body) {
        String dept = body.substring(5, 7);
        String substituted = body;
        if ("2A".equalsIgnoreCase(dept)) {
            substituted = body.substring(0, 5) + "19" + body.substring(7);
        } else if ("2B".equalsIgnoreCase(dept)) {
            substituted = body.substring(0, 5) + "18" + body.substring(7);
        }
        return substituted.chars().allMatch(c -> c >= '0' && c <= '9') ? substituted : null;
    }
}
