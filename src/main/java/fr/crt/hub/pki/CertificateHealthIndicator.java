package fr.crt.hub.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "certificates": DOWN when a certificate in use has expired (a partner link
 * or listener is already broken), WARN when one ends within the warning period (time to renew it with IGC-Santé),
 * UP otherwise. Revoked certificates are out of use and not counted. WARN sorts between DOWN and UP through
 * {@code management.endpoint.health.status.order}.
 */
@Component("certificates")
public class CertificateHealthIndicator implements HealthIndicator {

    public static final Status WARN = new Status("WARN", "a certificate expires soon");

    private final CertificateInventory inventory;
    private final Duration warnBefore;

    @Autowired
    public CertificateHealthIndicator(CertificateInventory inventory, PkiProperties properties) {
        this(inventory, Duration.ofDays(properties.warnDays()));
    }

    CertificateHealthIndicator(CertificateInventory inventory, Duration warnBefore) {
        this.inventory = inventory;
        this.warnBefore = warnBefore;
    }

    @Override
    public Health health() {
        List<HeldCertificate> all = inventory.certificates();
        if (all.isEmpty()) return Health.unknown().withDetail("certificates", 0).build();
        Instant now = inventory.now();
        Map<String, Long> expired = new TreeMap<>();
        Map<String, Long> expiring = new TreeMap<>();
        for (HeldCertificate h : all) {
            if (h.revoked()) continue;
            Duration left = h.timeLeft(now);
            if (h.expired(now)) expired.put(h.alias(), left.toDays());
            else if (left.compareTo(warnBefore) < 0) expiring.put(h.alias(), left.toDays());
        }
        Health.Builder b = !expired.isEmpty() ? Health.down() : !expiring.isEmpty() ? Health.status(WARN) : Health.up();
        b.withDetail("certificates", all.size()).withDetail("warnDays", warnBefore.toDays());
        if (!expired.isEmpty()) b.withDetail("expired", expired);
        if (!expiring.isEmpty()) b.withDetail("expiringSoon", expiring);
        return b.build();
    }
}
