package fr.crt.hub.pki;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every certificate the hub holds or trusts, read from the PKI folder and re-read when a file there changes. An
 * expired certificate silently breaks a partner link; here each one is a metric
 * ({@code hub_certificate_expiry_seconds{alias}}, seconds until its end, negative once expired) that alerting can
 * watch, and the input of the "certificates" health check and {@code GET /api/certificates}.
 */
@Component
public class CertificateInventory {

    static final String METRIC = "hub.certificate.expiry";

    private final Path dir;
    private final char[] password;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Object> seen = Map.of();
    private volatile Map<String, HeldCertificate> byAlias = Map.of();

    /** @param bootstrap only there so the development PKI exists before the first read */
    @Autowired
    public CertificateInventory(PkiProperties properties, MeterRegistry registry, DevPkiBootstrap bootstrap) {
        this(properties.dir(), properties.password().toCharArray(), registry, Clock.systemUTC());
    }

    CertificateInventory(Path dir, char[] password, MeterRegistry registry, Clock clock) {
        this.dir = dir;
        this.password = password.clone();
        this.registry = registry;
        this.clock = clock;
        refresh();
    }

    Instant now() {
        return clock.instant();
    }

    /** The certificates as they are now in the folder (re-read if a file changed since the last look). */
    public List<HeldCertificate> certificates() {
        refresh();
        return List.copyOf(byAlias.values());
    }

    public List<CertificateView> views() {
        Instant now = now();
        return certificates().stream().map(h -> CertificateView.of(h, now)).toList();
    }

    /** Re-reads the folder when a keystore or CRL was added, changed or removed; registers gauges for new aliases. */
    @Scheduled(fixedDelayString = "${hub.pki.reload-interval:60s}")
    public synchronized void refresh() {
        Map<String, Object> now = scan();
        if (now.equals(seen)) return;
        Map<String, HeldCertificate> loaded = new LinkedHashMap<>();
        for (HeldCertificate h : HeldCertificate.readFolder(dir, password)) loaded.putIfAbsent(h.alias(), h);
        byAlias = Map.copyOf(loaded);
        seen = now;
        for (String alias : loaded.keySet()) {
            if (gauged.add(alias)) {
                Gauge.builder(METRIC, this, inv -> inv.secondsLeft(alias))
                        .description("Seconds until the certificate's end of validity (negative once expired)")
                        .baseUnit("seconds").tag("alias", alias).register(registry);
            }
        }
    }

    private double secondsLeft(String alias) {
        HeldCertificate h = byAlias.get(alias);
        return h == null ? Double.NaN : h.timeLeft(now()).toSeconds();
    }

    private Map<String, Object> scan() {
        if (!Files.isDirectory(dir)) return Map.of();
        Map<String, Object> state = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(PkiFolder.P12) || p.toString().endsWith(PkiFolder.CRL_SUFFIX))
                    .sorted().toList()) {
                state.put(f.getFileName().toString(), List.of(Files.getLastModifiedTime(f), Files.size(f)));
            }
        } catch (IOException e) {
            return seen;
        }
        return state;
    }
}
