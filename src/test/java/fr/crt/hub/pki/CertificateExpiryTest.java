package fr.crt.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.pki.EntityProfile.HubStructure;
import fr.crt.hub.pki.EntityProfile.InsiMode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** Certificate expiry as a signal: the gauge per alias, and the health WARN under 30 days and DOWN once expired. */
class CertificateExpiryTest {

    static final char[] PASSWORD = "test-pki".toCharArray();

    @TempDir
    Path certs;
    DevPki pki;
    SimpleMeterRegistry registry;
    CertificateInventory inventory;
    CertificateHealthIndicator health;

    @BeforeEach
    void setUp() throws Exception {
        pki = new DevPki(certs, PASSWORD);
        pki.init(Files.createTempDirectory(certs, "no-connectors"));
        registry = new SimpleMeterRegistry();
        inventory = new CertificateInventory(certs, PASSWORD, registry, Clock.systemUTC());
        health = new CertificateHealthIndicator(inventory, Duration.ofDays(30));
    }

    @Test
    void freshPkiIsUpWithOneGaugePerAlias() {
        Health h = health.health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);

        Gauge server = registry.find("hub.certificate.expiry").tag("alias", "hub-server").gauge();
        assertThat(server).isNotNull();
        assertThat(server.getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(server.value()).isBetween((double) Duration.ofDays(3 * 365 - 1).toSeconds(),
                (double) Duration.ofDays(3 * 365).toSeconds());
        assertThat(registry.find("hub.certificate.expiry").tag("alias", "truststore/root-ca").gauge()).isNotNull();
        assertThat(inventory.views()).extracting(CertificateView::alias)
                .contains("root-ca", "organisations-ca", "hub-server", "insi", "mssante", "truststore/organisations-ca");
    }

    @Test
    void certificateEndingIn10DaysMakesHealthWarn() throws Exception {
        Instant now = Instant.now();
        pki.issue(EntityProfile.insi(HubStructure.DEV, InsiMode.AUTO), now.minus(Duration.ofDays(365)), now.plus(Duration.ofDays(10)));

        Health h = health.health();

        assertThat(h.getStatus()).isEqualTo(CertificateHealthIndicator.WARN);
        assertThat(((Map<?, ?>) h.getDetails().get("expiringSoon")).keySet().stream().map(String::valueOf).toList()).containsExactly("insi");
        assertThat(registry.find("hub.certificate.expiry").tag("alias", "insi").gauge().value())
                .isBetween(9 * 86_400d, 10 * 86_400d);
    }

    @Test
    void expiredCertificateMakesHealthDown() throws Exception {
        Instant now = Instant.now();
        pki.issue(EntityProfile.hubServer(HubStructure.DEV), now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)));
        pki.issue(EntityProfile.mssante(HubStructure.DEV), now.minus(Duration.ofDays(365)), now.plus(Duration.ofDays(10)));

        Health h = health.health();

        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(((Map<?, ?>) h.getDetails().get("expired")).keySet().stream().map(String::valueOf).toList()).containsExactly("hub-server");
        assertThat(registry.find("hub.certificate.expiry").tag("alias", "hub-server").gauge().value()).isNegative();
        CertificateView server = inventory.views().stream().filter(v -> v.alias().equals("hub-server")).findFirst().orElseThrow();
        assertThat(server.expired()).isTrue();
        assertThat(server.daysLeft()).isNegative();
    }

    @Test
    void revokedCertificateIsListedAsRevokedAndNotCountedInHealth() throws Exception {
        Instant now = Instant.now();
        pki.issue(EntityProfile.mssante(HubStructure.DEV), now.minus(Duration.ofDays(365)), now.plus(Duration.ofDays(10)));
        pki.revoke("mssante");

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(inventory.views()).filteredOn(CertificateView::revoked).extracting(CertificateView::alias)
                .containsExactly("mssante");
    }
}
