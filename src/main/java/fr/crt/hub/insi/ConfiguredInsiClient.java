package fr.crt.hub.insi;

import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.pki.PkiProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The hub's {@link InsiClient} bean. It reads the {@code kind: insi} connector file at the first call (not at start:
 * the hub starts the same whether INSi, its certificate or its file is there or not) and again whenever the
 * registry holds a different version of it, then delegates to a {@link CxfInsiClient}. With no such file every call
 * fails with TRANSPORT "INSi not configured".
 */
@Component
public class ConfiguredInsiClient implements InsiClient, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredInsiClient.class);

    private final ConnectorRegistry connectors;
    private final InsiProperties properties;
    private final PkiProperties pki;
    private final MeterRegistry meters;
    private CxfInsiClient current;

    public ConfiguredInsiClient(ConnectorRegistry connectors, InsiProperties properties, PkiProperties pki,
                                MeterRegistry meters) {
        this.connectors = connectors;
        this.properties = properties;
        this.pki = pki;
        this.meters = meters;
    }

    @Override
    public InsiAnswer searchByTraits(InsiTraits traits) throws InsiCallFailed {
        return client().searchByTraits(traits);
    }

    @Override
    public InsiAnswer searchByCarteVitale(InsiVitaleQuery query) throws InsiCallFailed {
        return client().searchByCarteVitale(query);
    }

    /** The effective endpoint (file plus {@code hub.insi.url}), or null when there is no {@code kind: insi} file. */
    public InsiEndpoint endpoint() {
        List<InsiEndpoint> all = connectors.services("insi", InsiEndpoint.class);
        if (all.isEmpty()) return null;
        if (all.size() > 1) log.warn("{} INSi connector files: using '{}'", all.size(), all.get(0).id());
        InsiEndpoint e = all.get(0);
        return properties.url() == null || properties.url().isBlank() ? e : e.withUrl(properties.url());
    }

    private synchronized CxfInsiClient client() throws InsiCallFailed {
        InsiEndpoint wanted;
        try {
            wanted = endpoint();
        } catch (IllegalArgumentException e) {
            throw new InsiCallFailed(InsiCallFailed.Kind.TRANSPORT, null, false,
                    "INSi connector file invalid: " + e.getMessage(), null);
        }
        if (wanted == null) {
            throw new InsiCallFailed(InsiCallFailed.Kind.TRANSPORT, null, false, "INSi not configured", null);
        }
        if (current != null && current.endpoint().equals(wanted)) return current;
        try {
            CxfInsiClient fresh = new CxfInsiClient(wanted, pki.dir(), pki.password().toCharArray(), meters);
            if (current != null) current.close();
            current = fresh;
            log.info("INSi client ready for {} (certificate {})", wanted.url(), wanted.certificate().alias());
            return current;
        } catch (IOException e) {
            throw new InsiCallFailed(InsiCallFailed.Kind.TRANSPORT, null, true,
                    "INSi client cannot be built: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void destroy() {
        if (current != null) current.close();
        current = null;
    }
}
