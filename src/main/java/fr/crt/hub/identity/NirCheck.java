package fr.crt.hub.identity;

/**
 * Outcome of checking the form and control key of an INS matricule (NIR or NIA).
 *
 * <p>Kept separate from the number itself so that it can be logged, stored on a message or put in an ERR segment
 * without carrying the matricule: {@link #reason()} never contains the checked value.
 *
 * @param valid  true when the value has the INS form and its key is right
 * @param reason why it is not valid (human-readable, no personal data), or null when valid
 */
public record NirCheck(boolean valid, String reason) {

    static NirCheck ok() {
        return new NirCheck(true, null);
    }

    static NirCheck invalid(String reason) {
        return new NirCheck(false, reason);
    }
}
