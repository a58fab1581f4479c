package fr.crt.hub.insi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The INSi endpoint as declared in {@code connectors/insi.yaml} ({@code kind: insi}), read with
 * {@code ConnectorRegistry.services("insi", InsiEndpoint.class)}. Missing blocks take the defaults below.
 *
 * @param id               connector id ({@code insi})
 * @param kind             always {@code insi}
 * @param displayName      for the console
 * @param url              SOAP endpoint (mTLS); overridden by property {@code hub.insi.url}
 * @param certificate      the hub's INSi client certificate: keystore file in {@code hub.pki.dir} and alias
 * @param truststore       keystore file in {@code hub.pki.dir} holding the CAs that sign INSi's server certificate
 * @param emitter          {@code Emetteur} of ContexteBAM and ContexteLPS: the structure id (OU of the certificate)
 * @param software         ContexteLPS/LPS: IDAM (CNDA authorisation number), version, name, instance
 * @param timeouts         connect and read timeouts, milliseconds
 * @param retry            attempts on transport errors (connection refused/reset, 5xx without SOAP body)
 * @param breaker          circuit breaker: opens after {@code failures} failed calls in a row, for {@code openSeconds}
 * @param rateLimitPerHour requests allowed per hour (a retry is a request); beyond it calls fail fast with
 *                         RATE_LIMITED and nothing is sent (0 = no limit)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record InsiEndpoint(String id, String kind, String displayName, String url, Certificate certificate,
                           String truststore, String emitter, Software software, Timeouts timeouts, Retry retry,
                           Breaker breaker, Integer rateLimitPerHour) {

    public InsiEndpoint {
        if (certificate == null) certificate = new Certificate(null, null);
        if (truststore == null || truststore.isBlank()) truststore = "truststore.p12";
        if (software == null) software = new Software(null, null, null, null);
        if (timeouts == null) timeouts = new Timeouts(null, null);
        if (retry == null) retry = new Retry(null, null);
        if (breaker == null) breaker = new Breaker(null, null);
        if (rateLimitPerHour == null || rateLimitPerHour < 0) rateLimitPerHour = 0;
    }

    /** The same endpoint at another address (property {@code hub.insi.url}, tests). */
    public InsiEndpoint withUrl(String otherUrl) {
        return new InsiEndpoint(id, kind, displayName, otherUrl, certificate, truststore, emitter, software, timeouts,
                retry, breaker, rateLimitPerHour);
    }

    /** @param keystore PKCS#12 file name in the PKI folder (default {@code insi.p12}); @param alias key entry (default {@code insi}) */
    public record Certificate(String keystore, String alias) {
        public Certificate {
            if (keystore == null || keystore.isBlank()) keystore = "insi.p12";
            if (alias == null || alias.isBlank()) alias = "insi";
        }
    }

    /**
     * ContexteLPS {@code LPS} block: how the software is known to the CNDA.
     *
     * @param idam     authorisation number given by the CNDA (sent as {@code IDAM R="4"})
     * @param version  software version as declared to the CNDA
     * @param name     software name ({@code Nom}, e.g. {@code urn:lps:crt-hub:0.1})
     * @param instance one id per installation (a UUID)
     */
    public record Software(String idam, String version, String name, String instance) {
        public Software {
            if (idam == null) idam = "";
            if (version == null) version = "";
            if (name == null) name = "";
            if (instance == null) instance = "";
        }
    }

    public record Timeouts(Integer connectMs, Integer readMs) {
        public Timeouts {
            if (connectMs == null || connectMs <= 0) connectMs = 3000;
            if (readMs == null || readMs <= 0) readMs = 10000;
        }
    }

    /** @param maxAttempts total attempts including the first (1 = no retry); @param backoffMs first pause, doubled each time */
    public record Retry(Integer maxAttempts, Integer backoffMs) {
        public Retry {
            if (maxAttempts == null || maxAttempts < 1) maxAttempts = 3;
            if (backoffMs == null || backoffMs < 0) backoffMs = 200;
        }
    }

    public record Breaker(Integer failures, Integer openSeconds) {
        public Breaker {
            if (failures == null || failures < 1) failures = 5;
            if (openSeconds == null || openSeconds < 1) openSeconds = 30;
        }
    }
}
