package fr.crt.hub.insi;

/**
 * The national INSi teleservice (CNAM, {@code ServiceIdentiteCertifiee} 1.0.0), as the hub needs it.
 * Implementations call it over mTLS with the hub's INSi certificate and never log traits or INS.
 */
public interface InsiClient {

    /** Operation {@code rechercherInsAvecTraitsIdentite} (body {@code RECSANSVITALE}). */
    InsiAnswer searchByTraits(InsiTraits traits) throws InsiCallFailed;
}
