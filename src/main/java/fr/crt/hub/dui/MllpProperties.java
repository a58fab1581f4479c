package fr.crt.hub.dui;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The MLLP listener partners' DUI and hospitals send PAM-FR messages to.
 *
 * @param host             address to bind (default all interfaces)
 * @param port             plain MLLP port (default 2575, env {@code HUB_MLLP_PORT})
 * @param maxMessageBytes  larger messages are refused with AR (default 10 MB)
 * @param maxConnections   concurrent partner connections served
 * @param idleTimeoutSeconds a connection silent this long is closed (0 = never)
 */
@ConfigurationProperties("hub.mllp")
public record MllpProperties(String host, Integer port, Integer maxMessageBytes, Integer maxConnections,
                             Integer idleTimeoutSeconds) {
    public MllpProperties {
        if (host == null) host = "0.0.0.0";
        if (port == null) port = 2575;
        if (maxMessageBytes == null) maxMessageBytes = 10 * 1024 * 1024;
        if (maxConnections == null) maxConnections = 200;
        if (idleTimeoutSeconds == null) idleTimeoutSeconds = 600;
    }
}
