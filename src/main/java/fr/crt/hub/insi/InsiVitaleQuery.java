package fr.crt.hub.insi;

import java.util.Objects;

/**
 * What a Vitale card read gives for {@code rechercherInsAvecCarteVitale} (body {@code RECVITALE}).
 *
 * @param beneficiaryNir  MatriculeIndividu: the beneficiary's NIR (13 characters), may be null
 * @param beneficiaryKey  its key (2 digits), may be null
 * @param insuredNir      MatriculeOD: the insured person (ouvrant droit) NIR, 13 characters
 * @param insuredKey      its key (2 digits)
 * @param birthName       NomNaissance as on the card
 * @param birthDate       DateNaissance {@code YYYY-MM-DD} (lunar dates allowed, as on the card)
 * @param birthRank       RangNaissance (1 unless twins)
 */
public record InsiVitaleQuery(String beneficiaryNir, String beneficiaryKey, String insuredNir, String insuredKey,
                              String birthName, String birthDate, String birthRank) {
    public InsiVitaleQuery {
        Objects.requireNonNull(insuredNir, "insuredNir");
        Objects.requireNonNull(birthDate, "birthDate");
    }

    @Override
    public String toString() {
        return "InsiVitaleQuery[redacted]";
    }
}
