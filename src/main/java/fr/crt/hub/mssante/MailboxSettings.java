package fr.crt.hub.mssante;

import java.util.List;

/**
 * A mailbox with its placeholders resolved and defaults applied: what the routes and the sender use.
 *
 * @param certificateLogin SASL EXTERNAL with the mailbox certificate instead of a password ({@code authentication:
 *                         certificate}); {@link #login()} is then the mailbox address, sent as the authorisation id
 */
public record MailboxSettings(String id, String address, String login, String password, String certificate, Server imap,
                             Server smtp, String folder, long pollMillis, List<String> tlsProtocols, boolean enabled,
                              ProcessedMail processedMail, boolean sending, boolean certificateLogin) {

    /** @param implicitTls true for IMAPS/SMTPS, false for STARTTLS (required, never plain) */
    public record Server(String host, int port, boolean implicitTls) {

        public String protocol(String base) {
            return implicitTls ? base + "s" : base;
        }
    }

    /** Name of this mailbox's jakarta.mail session in the Camel registry. */
    public String sessionBean() {
        return "mssanteSession-" + id;
    }
}
