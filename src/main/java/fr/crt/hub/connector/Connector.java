package fr.crt.hub.connector;

import java.math.BigInteger;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * One partner endpoint, as declared in a {@code connectors/*.yaml} file. Adding a partner is adding a file.
 *
 * @param id                 stable identifier used in the message store, metrics and logs
 * @param displayName        human name shown in the console
 * @param kind               ehpad, ssiad, saad, hospital, gp, dac, ...
 * @param organisation       legal entity behind the partner (FINESS and name)
 * @param inbound            how messages arrive (transport and what identifies the sender)
 * @param acceptedMessages   message types accepted from this partner, e.g. {@code ADT^A01}; empty = all ADT the hub maps
 * @param defaultCharset     charset assumed when MSH-18 is empty
 * @param patientIdSystem    OID of the partner's local patient ids (IPP), e.g. {@code 1.2.250.1.999.1.1}
 * @param insPolicy          what to do with the INS this partner sends
 * @param retention          how long the raw bytes (and optionally the rows) of this partner's messages are kept;
 *                           null = the hub defaults ({@code hub.retention.*})
 * @param outbound           what the hub sends this partner when a person of its care circle changes, and how
 *                           (fr.crt.hub.outbound); null = nothing is sent
 */
public record Connector(
        String id,
        String displayName,
        String kind,
        Organisation organisation,
        Inbound inbound,
        List<String> acceptedMessages,
        String defaultCharset,
        String patientIdSystem,
        InsPolicy insPolicy,
        Retention retention,
        Outbound outbound) {

    /** Without an outbound side. */
    public Connector(String id, String displayName, String kind, Organisation organisation, Inbound inbound,
                     List<String> acceptedMessages, String defaultCharset, String patientIdSystem, InsPolicy insPolicy,
                     Retention retention) {
        this(id, displayName, kind, organisation, inbound, acceptedMessages, defaultCharset, patientIdSystem, insPolicy,
                retention, null);
    }

    /** Without a retention of its own (the hub defaults apply). */
    public Connector(String id, String displayName, String kind, Organisation organisation, Inbound inbound,
                     List<String> acceptedMessages, String defaultCharset, String patientIdSystem, InsPolicy insPolicy) {
        this(id, displayName, kind, organisation, inbound, acceptedMessages, defaultCharset, patientIdSystem, insPolicy, null, null);
    }

    /**
     * The partner's outbound side, as written in its file. Values may be {@code ${property:default}} placeholders
     * (resolved against the hub's configuration when used, so tests and operators point them elsewhere); see
     * {@code fr.crt.hub.outbound.PartnerOutbound} for the resolved, checked form.
     *
     * @param enabled        "true" / "false" (default true)
     * @param transport      mllp | fhir | file
     * @param subscribe      kinds of the access matrix this partner wants (e.g. identity, stays); what its role
     *                       (the connector {@code kind}) may not read is never sent, whatever is written here
     * @param host           mllp: host
     * @param port           mllp: port
     * @param tls            mllp / fhir over https: "true" to present the hub's client certificate
     * @param certificate    keystore of the PKI folder presented as client certificate (default hub-client)
     * @param baseUrl        fhir: base URL the transaction Bundle is POSTed to
     * @param directory      file: folder where one file per message is dropped
     * @param format         file: hl7v2 | fhir (default fhir)
     * @param timeoutMs      connect and answer (ACK, HTTP response) timeout, default 30000
     */
    public record Outbound(String enabled, String transport, List<String> subscribe, String host, String port, String tls,
                           String certificate, String baseUrl, String directory, String format, String timeoutMs) {}

    /**
     * Retention of this partner's messages in the store (the canonical record is not concerned: health data are kept
     * there 20 years). Null fields take the hub default.
     *
     * @param rawDays raw transport bytes are removed this many days after receipt, once the message is in a final state
     * @param rowDays the whole row (metadata, stages) is removed this many days after receipt; null = kept
     */
    public record Retention(Integer rawDays, Integer rowDays) {
        public Retention {
            if (rawDays != null && rawDays < 1) throw new IllegalArgumentException("retention.rawDays must be at least 1");
            if (rowDays != null && rowDays < 1) throw new IllegalArgumentException("retention.rowDays must be at least 1");
            if (rawDays != null && rowDays != null && rowDays < rawDays) {
                throw new IllegalArgumentException("retention.rowDays must not be shorter than rawDays");
            }
        }
    }

    public record Organisation(String finess, String name) {}

    /**
     * @param transport          mllp, fhir, file
     * @param sendingApplication MSH-3 values (namespace id) this partner uses
     * @param sendingFacility    MSH-4 values (namespace id) this partner uses
     * @param certificate        the client certificate this partner presents over TLS (optional)
     * @param oauth2ClientId     OAuth2 client id of this partner's system at the hub's identity provider: a client
     *                           credentials token carrying it ({@code client_id} or {@code azp}) acts as this partner
     *                           on the FHIR API (optional)
     */
    public record Inbound(String transport, List<String> sendingApplication, List<String> sendingFacility,
                          Certificate certificate, String oauth2ClientId) {
        public Inbound(String transport, List<String> sendingApplication, List<String> sendingFacility) {
            this(transport, sendingApplication, sendingFacility, null, null);
        }

        public Inbound(String transport, List<String> sendingApplication, List<String> sendingFacility,
                       Certificate certificate) {
            this(transport, sendingApplication, sendingFacility, certificate, null);
        }
    }

    /**
     * How a partner's TLS client certificate is recognised: every field given must match (subject and issuer as
     * distinguished names, compared in canonical form whatever the order of spacing; serial in hexadecimal).
     *
     * @param subject e.g. {@code CN=chu-x-gam,OU=1000897406,O=CHU-X,C=FR}
     * @param issuer  e.g. {@code CN=CRT Hub Dev Organisations CA,OU=AC ORGANISATIONS,O=CRT Hub (developpement),C=FR}
     * @param serial  hexadecimal serial number (optional; pins one certificate, so it changes at each renewal)
     */
    public record Certificate(String subject, String issuer, String serial) {

        /** Whether the presented certificate is this one; false when nothing is declared. */
        public boolean matches(ClientCertificate presented) {
            if (presented == null || (blank(subject) && blank(issuer) && blank(serial))) return false;
            if (!blank(subject) && !sameName(subject, presented.subject())) return false;
            if (!blank(issuer) && !sameName(issuer, presented.issuer())) return false;
            return blank(serial) || (presented.serial() != null
                    && new BigInteger(serial.trim().replace(":", ""), 16).equals(presented.serial()));
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }

        private static boolean sameName(String declared, String presented) {
            if (presented == null) return false;
            try {
                return new X500Principal(declared).equals(new X500Principal(presented));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    /** Whether this partner's connector declares the presented client certificate. */
    public boolean presents(ClientCertificate presented) {
        return inbound != null && inbound.certificate() != null && inbound.certificate().matches(presented);
    }

    /**
     * @param trustIns     whether an INS with status VALI from this partner is taken as qualified
     * @param requireIns   whether a message without INS is held for identity vigilance
     */
    public record InsPolicy(boolean trustIns, boolean requireIns) {}

    /** Whether this partner may send the given type, e.g. {@code ADT^A01}. */
    public boolean accepts(String messageType) {
        return acceptedMessages == null || acceptedMessages.isEmpty() || acceptedMessages.contains(messageType);
    }
}
