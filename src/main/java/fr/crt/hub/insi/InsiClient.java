package fr.crt.hub.insi;

/**
 * The national INSi teleservice (CNAM, {@code ServiceIdentiteCertifiee} 1.0.0), as the hub needs it.
 * Implementations call it over mTLS with the hub's INSi certificate and never log traits or INS.
 */
public interface InsiClient {

    /** Operation {@code rechercherInsAvecTraitsIdentite} (body {@code RECSANSVITALE}). */
    InsiAnswer searchByTraits(InsiTraits traits) throws InsiCallFailed;

    /**
     * Operation {@code rechercherInsAvecCarteVitale} (body {@code RECVITALE}): the shape is ready, the hub has no
     * card reader flow yet. Implementations that do not support it fail with {@link InsiCallFailed.Kind#TRANSPORT}.
     */
    default InsiAnswer searchByCarteVitale(InsiVitaleQuery query) throws InsiCallFailed {
        throw new InsiCallFailed(InsiCallFailed.Kind.TRANSPORT, null, false,
                "rechercherInsAvecCarteVitale not supported by this INSi client", null);
    }
}
