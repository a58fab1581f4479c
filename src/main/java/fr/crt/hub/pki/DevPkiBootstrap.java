package fr.crt.hub.pki;

import fr.crt.hub.connector.ConnectorProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds the development PKI on the hub's first start (the PKI folder holds no keystore and
 * {@code hub.pki.auto-init} is true), so the README's run command gives a hub with certificates and nothing to
 * script. Never replaces existing material; off in the {@code prod} profile.
 */
@Component
public class DevPkiBootstrap {

    private static final Logger log = LoggerFactory.getLogger(DevPkiBootstrap.class);

    public DevPkiBootstrap(PkiProperties pki, ConnectorProperties connectors) {
        if (!pki.autoInit() || PkiFolder.hasKeystores(pki.dir())) return;
        try {
            long start = System.nanoTime();
            List<String> created = new DevPki(pki.dir(), pki.password().toCharArray()).init(connectors.dir());
            log.info("Development PKI created in {} ({} items, {} ms): {}", pki.dir().toAbsolutePath(), created.size(),
                    (System.nanoTime() - start) / 1_000_000, created);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the development PKI in " + pki.dir(), e);
        }
    }
}
