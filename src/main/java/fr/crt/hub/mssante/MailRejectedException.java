package fr.crt.hub.mssante;

/** A mail the hub keeps but cannot use; the message names the rule, never the content. */
public class MailRejectedException extends Exception {
    public MailRejectedException(String message) {
        super(message);
    }
}
