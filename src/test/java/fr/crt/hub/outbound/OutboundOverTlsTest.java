package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import fr.crt.hub.pki.TestPki;
import fr.crt.hub.pki.TlsProperties;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.ClientHelloProbe;
import fr.crt.hub.support.HubTestCommon;
import fr.crt.hub.support.InsiWireMock;
import fr.crt.hub.support.OutboundTestPartners;
import fr.crt.hub.support.PartnerMllpReceiver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Outbound over TLS, end to end, with the development PKI: the hub presents its client certificate
 * ({@code hub-client.p12}, extended key usage clientAuth) to partners that require one and trust the development CA,
 * checks theirs against its truststore and the host name, and offers TLS 1.2 / 1.3 with the {@code hub.tls} suites
 * only. A partner whose certificate it does not trust is retried with that reason, and never sent anything in clear.
 * Partners: the test-only connectors of {@code src/test/resources/connectors} ({@link OutboundTestPartners}).
 */
class OutboundOverTlsTest extends OutboundHubTest {

    static final String TLS_A = OutboundTestPartners.TLS_EHPAD_A;
    static final String TLS_B = OutboundTestPartners.TLS_EHPAD_B;
    static final String HTTPS = OutboundTestPartners.HTTPS_SSIAD;
    /** IANA codes of hub.tls's default suites (TlsProperties.DEFAULT_CIPHER_SUITES), and of the renegotiation SCSV. */
    static final Map<String, Integer> SUITE_CODES = Map.of("TLS_AES_128_GCM_SHA256", 0x1301, "TLS_AES_256_GCM_SHA384", 0x1302,
            "TLS_CHACHA20_POLY1305_SHA256", 0x1303, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02B,
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F,
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8,
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA9);
    static final int RENEGOTIATION_SCSV = 0x00FF;

    String person(String tag) throws Exception {
        Person p = newPerson();
        send(fromHospital(AdtMessages.adt("A28", tag + run, p, "V" + tag + run, null, null)));
        return hubId(p, HOSPITAL_IPP);
    }

    Map<String, Object> onlyRow(String partner, String hubId) {
        List<Map<String, Object>> rows = rows(partner, hubId);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    /** Status and reason of the one message of this partner about this person, "" while there is none. */
    String state(String partner, String hubId) {
        List<Map<String, Object>> rows = rows(partner, hubId);
        return rows.size() != 1 ? "" : rows.get(0).get("STATUS") + " " + rows.get(0).get("STATUS_REASON");
    }

    /** A receiver over TLS whose server certificate is the one of {@code pkiDir} (client certificate required). */
    static PartnerMllpReceiver receiver(int port, Path pkiDir, String... protocols) {
        PartnerMllpReceiver r = new PartnerMllpReceiver(port)
                .tls(OutboundTestPartners.serverContext(pkiDir, TestPki.HUB_SERVER), protocols);
        r.up();
        return r;
    }

    @Test
    void anMllpPartnerRequiringTheHubsClientCertificateGetsEachMessageOverTlsAndAcks() throws Exception {
        // a partner that speaks TLS 1.2 only: the hub's lowest version still reaches it
        PartnerMllpReceiver partner = receiver(OutboundTestPartners.tlsEhpadAPort(), InsiWireMock.pkiDir(), "TLSv1.2");
        try {
            String id = person("TLSA-");
            join(id, OutboundTestPartners.TLS_EHPAD_A_FINESS, "ehpad");

            await().atMost(WAIT).until(() -> partner.about(id).size() == 1);
            PartnerMllpReceiver.Received got = partner.about(id).get(0);
            assertThat(got.field("MSH", 9)).isEqualTo("ADT^A28^ADT_A05");
            assertThat(got.tlsProtocol()).isEqualTo("TLSv1.2");
            assertThat(got.clientCertificate()).startsWith("CN=CRT-HUB,");
            assertThat(got.answered()).isEqualTo("AA");
            await().atMost(WAIT).until(() -> state(TLS_A, id).startsWith("DELIVERED"));
            assertThat(((Number) onlyRow(TLS_A, id).get("ATTEMPTS")).intValue()).isEqualTo(1);
            assertThat(partner.handshakeFailures()).isEmpty();
        } finally {
            partner.down();
        }
    }

    @Test
    void aPartnerWhoseServerCertificateIsNotTrustedIsRetriedNeverSentInClearAndServedOnceTrusted() throws Exception {
        int port = OutboundTestPartners.tlsEhpadBPort();
        // 1. what reaches the partner's port first: a ClientHello, offering TLS 1.2 / 1.3 and hub.tls's suites only
        ClientHelloProbe probe = new ClientHelloProbe(port);
        probe.up();
        String id;
        try {
            id = person("TLSB-");
            join(id, OutboundTestPartners.TLS_EHPAD_B_FINESS, "ehpad");
            await().atMost(WAIT).until(() -> !probe.seen().isEmpty());
            await().atMost(WAIT).until(() -> state(TLS_B, id).startsWith("RETRYING"));
        } finally {
            probe.down();
        }
        Set<Integer> allowed = TlsProperties.DEFAULT_CIPHER_SUITES.stream().map(SUITE_CODES::get).collect(Collectors.toSet());
        assertThat(probe.seen()).allSatisfy(hello -> {
            assertThat(hello.firstByte()).as("a TLS handshake record, not an MLLP frame").isEqualTo(0x16);
            assertThat(hello.versions()).as("TLS 1.3 (0x0304) and 1.2 (0x0303) only").isNotEmpty()
                    .allMatch(v -> v == 0x0304 || v == 0x0303);
            assertThat(hello.cipherSuites()).isNotEmpty().allMatch(s -> allowed.contains(s) || s == RENEGOTIATION_SCSV);
        });
        assertThat(onlyRow(TLS_B, id).get("STATUS_REASON").toString()).startsWith("TLS");

        // 2. a TLS server with a certificate of another PKI: the handshake fails on the hub's side, nothing is sent
        Path foreign = TestPki.foreignPki(HubTestCommon.tempDir().resolve("foreign-pki"), Path.of("connectors"),
                "ehpad-les-tilleuls").getParent();
        PartnerMllpReceiver untrusted = receiver(port, foreign);
        try {
            await().atMost(WAIT).until(() -> state(TLS_B, id)
                    .startsWith("RETRYING TLS: the partner's server certificate is not trusted"));
            await().atMost(WAIT).until(() -> untrusted.handshakeFailures().size() >= 2);
            assertThat(onlyRow(TLS_B, id).get("STATUS")).isEqualTo("RETRYING");
            assertThat(untrusted.received()).isEmpty();
        } finally {
            untrusted.down();
        }

        // 3. the partner now presents a certificate of the development CA: the waiting message leaves, once
        PartnerMllpReceiver trusted = receiver(port, InsiWireMock.pkiDir());
        try {
            await().atMost(WAIT).until(() -> state(TLS_B, id).startsWith("DELIVERED"));
            assertThat(trusted.received()).hasSize(1);
            PartnerMllpReceiver.Received got = trusted.about(id).get(0);
            assertThat(got.field("MSH", 9)).isEqualTo("ADT^A28^ADT_A05");
            assertThat(got.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(got.clientCertificate()).startsWith("CN=CRT-HUB,");
            assertThat(((Number) onlyRow(TLS_B, id).get("ATTEMPTS")).intValue()).isGreaterThan(2);
        } finally {
            trusted.down();
        }
    }

    @Test
    void anHttpsFhirPartnerRequiringAClientCertificateReceivesTheBundle() throws Exception {
        String id = person("TLSH-");
        join(id, OutboundTestPartners.HTTPS_SSIAD_FINESS, "ssiad");

        await().atMost(WAIT).until(() -> state(HTTPS, id).startsWith("DELIVERED"));
        List<Bundle> got = OutboundTestPartners.httpsSsiad().findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/fhir")))
                .stream().filter(r -> r.getBodyAsString().contains(marker(id)))
                .map(r -> FHIR.newJsonParser().parseResource(Bundle.class, r.getBodyAsString())).toList();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient");
        assertThat(((Patient) got.get(0).getEntryFirstRep().getResource()).getIdentifier())
                .anyMatch(i -> HUB_ID.equals(i.getSystem()) && id.equals(i.getValue()));
    }

    @Test
    void aTlsVersionBelow12CannotBeConfigured() {
        assertThatThrownBy(() -> new TlsProperties(List.of("TLSv1.3", "TLSv1.1"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLSv1.1");
        assertThatThrownBy(() -> new TlsProperties(List.of("SSLv3"), null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TlsProperties(null, null).protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }
}
