package fr.crt.hub.support;

import java.math.BigInteger;

/**
 * Realistic PAM-FR 2.11 ADT messages for tests, built from fictitious persons. Segment separator CR.
 * The sender is the development partner EHPAD Les Tilleuls (DUI_TILLEULS / TILLEULS) unless said otherwise.
 */
public final class AdtMessages {

    private AdtMessages() {}

    /** A fictitious person: NIR built with a valid key from sex, birth year/month, place and serial. */
    public record Person(String ipp, String birthName, String firstNames, String usedName, String birthDate, String sex,
                         String birthPlace, String nir, String status) {

        public static Person of(int n) {
            String sex = n % 2 == 0 ? "F" : "M";
            int year = 1930 + n % 30;
            int month = 1 + n % 12;
            String birthDate = String.format("%04d%02d%02d", year, month, 1 + n % 28);
            String place = "17300";
            String nir13 = (sex.equals("M") ? "1" : "2") + String.format("%02d%02d", year % 100, month) + place
                    + String.format("%03d", n % 1000);
            String nir = nir13 + String.format("%02d", nirKey(nir13));
            String[] names = {"MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND"};
            String[] firsts = {"JEANNE MARIE", "PIERRE", "LOUISE", "JEAN-PAUL", "MARGUERITE", "ANDRE", "SUZANNE", "RENE"};
            return new Person("IPP" + (100000 + n), names[n % names.length] + "-T" + n, firsts[n % firsts.length], "",
                    birthDate, sex, place, nir, "VALI");
        }

        public Person withNir(String newNir) {
            return new Person(ipp, birthName, firstNames, usedName, birthDate, sex, birthPlace, newNir, status);
        }

        public Person withBirthName(String name) {
            return new Person(ipp, name, firstNames, usedName, birthDate, sex, birthPlace, nir, status);
        }

        public Person withStatus(String newStatus) {
            return new Person(ipp, birthName, firstNames, usedName, birthDate, sex, birthPlace, nir, newStatus);
        }
    }

    public static int nirKey(String nir13) {
        String digits = nir13.replace("2A", "19").replace("2B", "18");
        return 97 - new BigInteger(digits).mod(BigInteger.valueOf(97)).intValue();
    }

    public static String msh(String app, String facility, String type, String controlId, String charset) {
        return "MSH|^~\\&|" + app + "|" + facility + "|CRT-HUB|CRT|20261125101500||" + type + "|" + controlId
                + "|P|2.5^FRA^2.11|||||FRA|" + charset + "|FR||2.11^IHE_FRANCE-2.11-PAM";
    }

    public static String pid(Person p, String ippOid) {
        String firstFirst = p.firstNames().split(" ")[0];
        return "PID|1||" + p.ipp() + "^^^TILLEULS&" + ippOid + "&ISO^PI~" + p.nir()
                + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||" + p.birthName() + "^" + firstFirst + "^"
                + p.firstNames() + "^^^^L" + (p.usedName().isEmpty() ? "" : "~" + p.usedName() + "^" + firstFirst + "^^^^^D")
                + "||" + p.birthDate() + "|" + p.sex() + "|||3 rue des Lilas^^LA ROCHELLE^^17000^FRA^H~^^^^^^BDL^^"
                + p.birthPlace() + "|||||||||||||||||||||" + p.status();
    }

    /** An ADT for a person's stay at EHPAD Les Tilleuls. */
    public static String adt(String trigger, String controlId, Person p, String visit, String movementId, String action) {
        String structure = switch (trigger) {
            case "A01", "A04", "A05", "A08", "A11", "A12", "A13", "A38", "A28", "A31" -> "ADT_A01";
            case "A02" -> "ADT_A02";
            case "A03" -> "ADT_A03";
            case "A06", "A07" -> "ADT_A06";
            case "A21", "A22" -> "ADT_A21";
            default -> "ADT_A01";
        };
        String type = "ADT^" + trigger + "^" + structure;
        StringBuilder sb = new StringBuilder();
        sb.append(msh("DUI_TILLEULS", "TILLEULS", type, controlId, "UNICODE UTF-8")).append('\r');
        sb.append("EVN||20261125101500||||20261125100000").append('\r');
        sb.append(pid(p, "1.2.250.1.213.1.999.170780001.1")).append('\r');
        sb.append("PV1|1|I|^^^TILLEULS&170780001&M^O||||||||||||||||").append(visit)
                .append("^^^TILLEULS&1.2.250.1.213.1.999.170780001.2&ISO^VN||||||||||||||||||||||||||20261125100000")
                .append('\r');
        if (movementId != null) {
            sb.append("ZBE|").append(movementId).append("^TILLEULS^170780001|20261125100000||").append(action)
                    .append("|N||Unité Alzheimer^^^^^TILLEULS&170780001&N^UF^^^UA01||HMS").append('\r');
        }
        return sb.toString();
    }
}
