package fr.crt.hub.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * INS handling.
 *
 * @param acceptTestOids accept the test (1.2.250.1.213.1.4.10) and demo (.11) INS-NIR OIDs as INS; true by
 *                       default, false in the {@code prod} profile where only the production OIDs are INS
 */
@ConfigurationProperties("hub.ins")
public record InsProperties(Boolean acceptTestOids) {
    public InsProperties {
        if (acceptTestOids == null) acceptTestOids = true;
    }
}
