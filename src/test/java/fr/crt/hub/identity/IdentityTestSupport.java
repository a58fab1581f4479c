package fr.crt.hub.identity;

import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestCommon;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/** PAM-FR messages without INS for identity vigilance tests, and the extra users (operator, auditor). */
final class IdentityTestSupport {

    static final String PASSWORD = "identity-test-password";
    static final String TILLEULS_IPP_OID = "1.2.250.1.213.1.999.170780001.1";
    static final String CHUX_IPP_OID = "1.2.250.1.213.1.999.897406.1";

    private IdentityTestSupport() {}

    /** A fictitious person of this run (unique IPP), status PROV. */
    static Person person(String birthName, String firstNames, String birthDate, String sex, String birthPlace) {
        String ipp = "VIG" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
        return new Person(ipp, birthName, firstNames, "", birthDate, sex, birthPlace, "", "PROV");
    }

    /** PID without any INS repetition (the PAM-FR sender has no INS for this person). */
    static String pidWithoutIns(Person p, String ippOid) {
        String firstFirst = p.firstNames().split(" ")[0];
        return "PID|1||" + p.ipp() + "^^^IPP&" + ippOid + "&ISO^PI||" + p.birthName() + "^" + firstFirst + "^"
                + p.firstNames() + "^^^^L||" + p.birthDate() + "|" + p.sex()
                + "|||3 rue des Lilas^^LA ROCHELLE^^17000^FRA^H~^^^^^^BDL^^" + p.birthPlace()
                + "|||||||||||||||||||||" + p.status();
    }

    /** ADT^A28 (identity creation) from EHPAD Les Tilleuls, no INS, PID-32 as the person says. */
    static String a28Tilleuls(String controlId, Person p) {
        return AdtMessages.msh("DUI_TILLEULS", "TILLEULS", "ADT^A28^ADT_A05", controlId, "UNICODE UTF-8") + "\r"
                + "EVN||20261125101500\r" + pidWithoutIns(p, TILLEULS_IPP_OID) + "\r" + "PV1|1|N\r";
    }

    /** ADT^A31 (identity update) from EHPAD Les Tilleuls. */
    static String a31Tilleuls(String controlId, Person p) {
        return AdtMessages.msh("DUI_TILLEULS", "TILLEULS", "ADT^A31^ADT_A05", controlId, "UNICODE UTF-8") + "\r"
                + "EVN||20261125101500\r" + pidWithoutIns(p, TILLEULS_IPP_OID) + "\r" + "PV1|1|N\r";
    }

    /** ADT^A01 admission from CHU-X (GAM), no INS. */
    static String a01ChuX(String controlId, Person p, String visit) {
        return AdtMessages.msh("GAM", "CHU-X", "ADT^A01^ADT_A01", controlId, "UNICODE UTF-8") + "\r"
                + "EVN||20261125101500\r" + pidWithoutIns(p, CHUX_IPP_OID) + "\r"
                + "PV1|1|I|^^^CHU-X&897406&M^O||||||||||||||||" + visit
                + "^^^CHU-X&1.2.250.1.213.1.999.897406.2&ISO^VN||||||||||||||||||||||||||20261125100000\r";
    }

    static void ensureUser(JdbcUserDetailsManager users, PasswordEncoder encoder, String name, String role) {
        if (!users.userExists(name)) {
            users.createUser(User.withUsername(name).password(encoder.encode(PASSWORD)).roles(role).build());
        }
    }

    static TestRestTemplate as(TestRestTemplate rest, String user) {
        return "admin".equals(user) ? rest.withBasicAuth("admin", HubTestCommon.ADMIN_PASSWORD)
                : rest.withBasicAuth(user, PASSWORD);
    }

    static List<String> tilleulsIdentifier(Person p) {
        return List.of("urn:oid:" + TILLEULS_IPP_OID, p.ipp());
    }
}
