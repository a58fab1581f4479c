package fr.crt.hub.insi;

import fr.crt.hub.insi.ws.resultat.IdentifiantNationalSante;
import fr.crt.hub.insi.ws.resultat.Individu;
import fr.crt.hub.insi.ws.resultat.Matricule;
import fr.crt.hub.insi.ws.resultat.Resultat;
import fr.crt.hub.insi.ws.resultat.TraitsDIdentite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns an INSi {@code RESULTAT} into an {@link InsiAnswer}. It keeps what INSi says (a wrong NIR key included: the
 * vigilance layer checks keys) and refuses only what cannot be an answer: no CR, an unknown CR code, CR 00 without
 * INDIVIDU or without an active INS. Error messages never quote a value from the answer.
 */
final class ResultatReader {

    private ResultatReader() {}

    static InsiAnswer read(Resultat r, String messageId) throws InsiCallFailed {
        if (r == null || r.getCR() == null || r.getCR().getCodeCR() == null) throw malformed("RESULTAT without CR", messageId);
        String code = r.getCR().getCodeCR().trim();
        String label = r.getCR().getLibelleCR();
        switch (code) {
            case InsiAnswer.FOUND -> {
                if (r.getINDIVIDU() == null) throw malformed("CR 00 without INDIVIDU", messageId);
                return new InsiAnswer(code, label, List.of(identity(r.getINDIVIDU(), messageId)), messageId);
            }
            case InsiAnswer.NOT_FOUND, InsiAnswer.SEVERAL -> {
                return new InsiAnswer(code, label, List.of(), messageId);
            }
            default -> throw malformed("unknown CodeCR", messageId);
        }
    }

    private static InsiIdentity identity(Individu i, String messageId) throws InsiCallFailed {
        IdentifiantNationalSante active = i.getINSACTIF();
        if (active == null || active.getIdIndividu() == null || blank(active.getIdIndividu().getNumIdentifiant())) {
            throw malformed("INDIVIDU without INSACTIF", messageId);
        }
        if (blank(active.getOID())) throw malformed("INSACTIF without OID", messageId);
        TraitsDIdentite tiq = i.getTIQ();
        if (tiq == null) throw malformed("INDIVIDU without TIQ", messageId);
        List<String> firstNames = blank(tiq.getListePrenom()) ? List.of()
                : Arrays.stream(tiq.getListePrenom().trim().split("\\s+")).toList();
        String firstName = !blank(tiq.getPrenom()) ? tiq.getPrenom().trim()
                : firstNames.isEmpty() ? null : firstNames.get(0);
        if (firstNames.isEmpty() && firstName != null) firstNames = List.of(firstName);
        List<String> history = new ArrayList<>();
        for (IdentifiantNationalSante h : i.getINSHISTO()) {
            if (h.getIdIndividu() != null && !blank(h.getIdIndividu().getNumIdentifiant())) history.add(ins(h.getIdIndividu()));
        }
        return new InsiIdentity(ins(active.getIdIndividu()), active.getOID().trim(), tiq.getNomNaissance(), firstName,
                firstNames, tiq.getSexe(), tiq.getDateNaissance(), tiq.getLieuNaissance(), history);
    }

    /** NumIdentifiant (13) followed by Cle (2) when INSi sent one. */
    private static String ins(Matricule m) {
        String num = m.getNumIdentifiant().trim();
        return m.getCle() == null ? num : num + m.getCle().trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static InsiCallFailed malformed(String why, String messageId) {
        return new InsiCallFailed(InsiCallFailed.Kind.MALFORMED, null, false, "INSi answer not usable: " + why, null,
                messageId);
    }
}
