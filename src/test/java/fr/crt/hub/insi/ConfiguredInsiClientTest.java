package fr.crt.hub.insi;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.connector.ConnectorProperties;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.insi.InsiCallFailed.Kind;
import fr.crt.hub.pki.PkiProperties;
import fr.crt.hub.support.HubTestCommon;
import fr.crt.hub.support.InsiWireMock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's InsiClient bean, built here without Spring: no {@code kind: insi} file means "INSi not configured";
 * {@code hub.insi.url} overrides the file's URL; an unreachable INSi or a missing certificate is a failed call, not
 * a failed start.
 */
class ConfiguredInsiClientTest {

    @TempDir
    Path connectors;

    @BeforeEach
    void reset() {
        InsiWireMock.reset();
        InsiWireMock.answerWith("insi/responses/TEST_2.05_CR00_NIA_PROVISOIRE_MATRICULE.xml");
    }

    private ConfiguredInsiClient client(String urlOverride, Path pkiDir) {
        return new ConfiguredInsiClient(new ConnectorRegistry(new ConnectorProperties(connectors)),
                new InsiProperties(urlOverride), new PkiProperties(pkiDir, false, null, null), new SimpleMeterRegistry());
    }

    private static InsiCallFailed failure(ConfiguredInsiClient c) {
        try {
            c.searchByTraits(InsiTestClients.ECETINSI);
        } catch (InsiCallFailed f) {
            return f;
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void withoutConnectorFileEveryCallFailsAsNotConfigured() {
        ConfiguredInsiClient c = client(InsiWireMock.url(), InsiWireMock.pkiDir());
        InsiCallFailed f = failure(c);
        assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(f.getMessage()).isEqualTo("INSi not configured");
        assertThat(c.endpoint()).isNull();
        assertThat(InsiWireMock.requests()).isEmpty();
    }

    @Test
    void urlPropertyOverridesTheFile() throws Exception {
        Files.copy(Path.of("connectors", "insi.yaml"), connectors.resolve("insi.yaml"));
        ConfiguredInsiClient c = client(InsiWireMock.url(), InsiWireMock.pkiDir());
        try {
            assertThat(c.endpoint().url()).isEqualTo(InsiWireMock.url());
            InsiAnswer a = c.searchByTraits(InsiTestClients.ECETINSI);
            assertThat(a.found()).isTrue();
            assertThat(a.identities().get(0).oid()).isEqualTo("1.2.250.1.213.1.4.9");
            assertThat(InsiWireMock.requests()).hasSize(1);
        } finally {
            c.destroy();
        }
    }

    @Test
    void committedDevelopmentUrlLeadsNowhereAndTheCallFailsCleanly() throws Exception {
        Files.copy(Path.of("connectors", "insi.yaml"), connectors.resolve("insi.yaml"));
        ConfiguredInsiClient c = client(null, InsiWireMock.pkiDir());
        try {
            InsiCallFailed f = failure(c);
            assertThat(f.kind()).isIn(Kind.TRANSPORT, Kind.TIMEOUT);
            assertThat(f.retryLater()).isTrue();
        } finally {
            c.destroy();
        }
    }

    @Test
    void invalidConnectorFileIsAFailedCall() throws Exception {
        Files.writeString(connectors.resolve("insi.yaml"), Files.readString(Path.of("connectors", "insi.yaml"))
                .replace("rateLimitPerHour:", "rateLimitPerHours:"));
        InsiCallFailed f = failure(client(InsiWireMock.url(), InsiWireMock.pkiDir()));
        assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(f.getMessage()).startsWith("INSi connector file invalid");
        assertThat(InsiWireMock.requests()).isEmpty();
    }

    @Test
    void missingCertificateIsAFailedCall() throws Exception {
        Files.copy(Path.of("connectors", "insi.yaml"), connectors.resolve("insi.yaml"));
        ConfiguredInsiClient c = client(InsiWireMock.url(), HubTestCommon.tempDir());
        InsiCallFailed f = failure(c);
        assertThat(f.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(f.getMessage()).startsWith("INSi client cannot be built").contains("insi.p12");
        assertThat(InsiWireMock.requests()).isEmpty();
    }
}
