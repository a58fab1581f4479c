package fr.crt.hub.identity;

/** A request the identity rules refuse in the Patient's current state (HTTP 409); the message names no trait. */
public class IdentityConflict extends RuntimeException {
    public IdentityConflict(String message) {
        super(message);
    }
}
