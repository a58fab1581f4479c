package fr.crt.hub.outbound;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outbound per partner ({@code hub.outbound.*}): how long and how often a partner that does not answer is retried.
 *
 * @param enabled         false: no outbound message is built at all (every partner's outbound side is off)
 * @param retryDelay      wait after the first failed attempt; doubled after each further failure ...
 * @param maxRetryDelay   ... up to this (a partner back after an outage is retried within this delay)
 * @param maxAge          a message still not delivered this long after it was built goes to dead letter
 * @param maxAttempts     ... or after this many failed attempts (0: no limit, only the age counts)
 * @param patientIdOid    OID of the hub's own patient ids, sent next to the partner's IPP (PID-3, Patient.identifier)
 * @param sendingApplication MSH-3 / MSH-4 of the hub in the HL7 messages it sends
 * @param sendingFacility MSH-4
 */
@ConfigurationProperties("hub.outbound")
public record OutboundProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration retryDelay,
        @DefaultValue("5m") Duration maxRetryDelay,
        @DefaultValue("72h") Duration maxAge,
        @DefaultValue("0") int maxAttempts,
        @DefaultValue("1.2.250.1.213.1.999.1.1") String patientIdOid,
        @DefaultValue("CRT_HUB") String sendingApplication,
        @DefaultValue("CRT") String sendingFacility) {

    /** Wait before attempt {@code failures + 1}: retryDelay × 2^(failures-1), capped. */
    public Duration backoff(int failures) {
        long base = Math.max(1, retryDelay.toMillis());
        long cap = Math.max(base, maxRetryDelay.toMillis());
        int shift = Math.min(Math.max(0, failures - 1), 30);
        long d = base << shift;
        return Duration.ofMillis(d <= 0 || d > cap ? cap : d);
    }
}
