package fr.crt.hub.outbound;

import fr.crt.hub.connector.Connector;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A partner's outbound side, resolved (placeholders replaced) and checked, from the {@code outbound:} section of its
 * connector file.
 *
 * @param connector the partner (its {@code kind} is its role in the access matrix)
 * @param queue     its own durable queue, {@code hub.outbound.<connector id>}
 */
public record PartnerOutbound(Connector connector, boolean enabled, Transport transport, List<String> subscribe,
                              String host, int port, boolean tls, String certificate, URI baseUrl, Path directory,
                              Format format, int timeoutMs, String queue) {

    public enum Transport { MLLP, FHIR, FILE }

    /** What a file drop contains. */
    public enum Format { HL7V2, FHIR }

    public static final String QUEUE_PREFIX = "hub.outbound.";
    /** The hub's client certificate of the PKI folder (clientAuth), presented over TLS unless the connector names one. */
    public static final String DEFAULT_CERTIFICATE = "hub-client";
    static final Set<String> TRANSPORTS = Set.of("mllp", "fhir", "file");

    public String id() {
        return connector.id();
    }

    /** The message-store transport of this partner's outbound messages. */
    public String storeTransport() {
        return OutboundStore.TRANSPORT_PREFIX + transport.name().toLowerCase(Locale.ROOT);
    }

    /** Whether the messages are HL7 v2 (MLLP, or a file drop in HL7 v2) rather than FHIR Bundles. */
    public boolean hl7() {
        return transport == Transport.MLLP || (transport == Transport.FILE && format == Format.HL7V2);
    }

    /**
     * Resolves {@code c.outbound()} with {@code resolve} (the hub's placeholder resolver); null when the connector has
     * no outbound section. A section that cannot work (unknown transport, missing host...) is an
     * IllegalArgumentException naming the field.
     */
    public static PartnerOutbound of(Connector c, UnaryOperator<String> resolve) {
        Connector.Outbound o = c.outbound();
        if (o == null) return null;
        String where = "connector " + c.id() + ": outbound.";
        String transport = value(resolve, o.transport(), "").toLowerCase(Locale.ROOT);
        if (!TRANSPORTS.contains(transport)) throw new IllegalArgumentException(where + "transport must be mllp, fhir or file");
        Transport t = Transport.valueOf(transport.toUpperCase(Locale.ROOT));
        boolean enabled = Boolean.parseBoolean(value(resolve, o.enabled(), "true"));
        List<String> subscribe = o.subscribe() == null ? List.of() : o.subscribe().stream().map(s -> s.trim()).toList();
        if (subscribe.isEmpty()) throw new IllegalArgumentException(where + "subscribe must name at least one kind (identity, stays)");
        boolean tls = Boolean.parseBoolean(value(resolve, o.tls(), "false"));
        String certificate = value(resolve, o.certificate(), DEFAULT_CERTIFICATE);
        int timeout = Integer.parseInt(value(resolve, o.timeoutMs(), "30000"));
        String host = null;
        int port = 0;
        URI baseUrl = null;
        Path dir = null;
        Format format = Format.FHIR;
        switch (t) {
            case MLLP -> {
                host = required(resolve, o.host(), where + "host");
                port = Integer.parseInt(required(resolve, o.port(), where + "port"));
                format = Format.HL7V2;
            }
            case FHIR -> {
                String url = required(resolve, o.baseUrl(), where + "baseUrl");
                baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
                if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
                    throw new IllegalArgumentException(where + "baseUrl must be http(s)");
                }
                tls = "https".equals(baseUrl.getScheme());
            }
            case FILE -> {
                dir = Path.of(required(resolve, o.directory(), where + "directory"));
                String f = value(resolve, o.format(), "fhir").toLowerCase(Locale.ROOT);
                if (!f.equals("fhir") && !f.equals("hl7v2")) throw new IllegalArgumentException(where + "format must be hl7v2 or fhir");
                format = f.equals("hl7v2") ? Format.HL7V2 : Format.FHIR;
            }
        }
        return new PartnerOutbound(c, enabled, t, subscribe, host, port, tls, certificate, baseUrl, dir, format, timeout,
                QUEUE_PREFIX + c.id());
    }

    private static String value(UnaryOperator<String> resolve, String raw, String def) {
        if (raw == null) return def;
        String v = resolve.apply(raw).trim();
        return v.isEmpty() ? def : v;
    }

    private static String required(UnaryOperator<String> resolve, String raw, String what) {
        String v = value(resolve, raw, "");
        if (v.isEmpty()) throw new IllegalArgumentException(what + " is required");
        return v;
    }
}
