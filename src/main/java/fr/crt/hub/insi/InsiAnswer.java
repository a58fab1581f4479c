package fr.crt.hub.insi;

import java.util.List;

/**
 * A well-formed INSi answer ({@code RESULTAT}).
 *
 * @param code        CR code: {@code 00} one identity, {@code 01} none, {@code 02} several
 * @param label       LibelleCR as sent
 * @param identities  one entry for CR 00, empty otherwise
 * @param messageId   the WS-Addressing MessageID the hub sent (for the audit trail)
 */
public record InsiAnswer(String code, String label, List<InsiIdentity> identities, String messageId) {

    public static final String FOUND = "00";
    public static final String NOT_FOUND = "01";
    public static final String SEVERAL = "02";

    public InsiAnswer {
        identities = identities == null ? List.of() : List.copyOf(identities);
    }

    public boolean found() {
        return FOUND.equals(code) && identities.size() == 1;
    }
}
