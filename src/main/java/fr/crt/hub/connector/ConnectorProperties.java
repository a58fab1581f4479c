package fr.crt.hub.connector;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where partner connector files live.
 *
 * @param dir folder of {@code *.yaml} connector files, one per partner endpoint (default {@code ./connectors})
 */
@ConfigurationProperties("hub.connectors")
public record ConnectorProperties(Path dir) {
    public ConnectorProperties {
        if (dir == null) dir = Path.of("connectors");
    }
}
