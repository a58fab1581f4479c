package fr.crt.hub.connector;

import java.util.List;

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
        InsPolicy insPolicy) {

    public record Organisation(String finess, String name) {}

    /**
     * @param transport          mllp, fhir, file
     * @param sendingApplication MSH-3 values (namespace id) this partner uses
     * @param sendingFacility    MSH-4 values (namespace id) this partner uses
     */
    public record Inbound(String transport, List<String> sendingApplication, List<String> sendingFacility) {}

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
