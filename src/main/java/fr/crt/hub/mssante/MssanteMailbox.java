package fr.crt.hub.mssante;

import java.util.List;

/**
 * One MSSanté mailbox of the CRT, read from a connector file with {@code kind: mssante}
 * ({@code ConnectorRegistry.services("mssante", MssanteMailbox.class)}). String values may hold
 * {@code ${property:default}} placeholders, resolved from the hub's configuration (secrets, test ports).
 *
 * @param address      the application mailbox address (BAL applicative), sender of every outbound mail
 * @param login        IMAP/SMTP login; empty with certificate-only authentication
 * @param password     password for login (development and tests only: operators authenticate application mailboxes
 *                     by their IGC-Santé certificate), usually a placeholder
 * @param certificate  alias of the client certificate keystore in the PKI folder ({@code mssante} = the dev PKI's
 *                     application-mailbox certificate)
 * @param imap         where mail is read
 * @param smtp         where mail is submitted
 * @param folder       folder polled, INBOX by default
 * @param pollInterval milliseconds between two polls
 * @param tlsProtocols TLS versions offered, TLSv1.3 and TLSv1.2 by default (never below 1.2)
 * @param enabled      false stops polling and sending without removing the file
 * @param processedMail what is done on the server with a mail once stored: {@code seen} (default), {@code delete} or
 *                     {@code move:<folder>} ({@link ProcessedMail})
 * @param authentication {@code password} (LOGIN in the TLS channel, the default; development and test servers) or
 *                     {@code certificate}: SASL EXTERNAL (RFC 4422), the mailbox certificate presented in the TLS
 *                     handshake is the credential and the mailbox address the authorisation id, no password
 * @param sending      true for the mailbox outbound mail and receipts of no particular mailbox leave from; needed only
 *                     when more than one mailbox is enabled
 */
public record MssanteMailbox(String id, String kind, String displayName, String address, String login, String password,
                             String certificate, Endpoint imap, Endpoint smtp, String folder, String pollInterval,
                             List<String> tlsProtocols, String enabled, String processedMail,
                             String sending, String authentication) {

    /** A mail server: host, port and TLS mode, {@code TLS} (implicit, IMAPS 993 / SMTPS 465) or {@code STARTTLS}. */
    public record Endpoint(String host, String port, String security) {}
}
