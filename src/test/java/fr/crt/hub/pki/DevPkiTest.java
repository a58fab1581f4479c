package fr.crt.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development PKI built in a temporary folder: chains validate with PKIX and the CRLs, and re-runs add only what is missing. */
class DevPkiTest {

    static final char[] PASSWORD = "test-pki".toCharArray();

    @TempDir
    Path tmp;
    Path certs;
    Path connectors;
    DevPki pki;

    @BeforeEach
    void setUp() throws IOException {
        certs = tmp.resolve("certs");
        connectors = Files.createDirectories(tmp.resolve("connectors"));
        writeConnector("ehpad-a", "EHPAD A", "170780001");
        writeConnector("ssiad-b", "SSIAD B", "170780002");
        pki = new DevPki(certs, PASSWORD);
    }

    @Test
    void initBuildsAnIgcSanteShapedHierarchyThatValidates() throws Exception {
        List<String> created = pki.init(connectors);

        assertThat(created).contains("root-ca", "organisations-ca", "truststore", "hub-server", "hub-client", "insi", "mssante",
                "connector-ehpad-a", "connector-ssiad-b");
        assertThat(certs.resolve("root-ca.pem")).exists();
        assertThat(certs.resolve("organisations-ca.pem")).exists();
        assertThat(certs.resolve("organisations-ca.crl.pem")).exists();
        assertThat(certs.resolve("root-ca.crl.pem")).exists();

        for (String alias : List.of("hub-server", "hub-client", "insi", "mssante", "connector-ehpad-a", "connector-ssiad-b")) {
            validate(credential(alias).certificate());
        }

        X509Certificate server = credential("hub-server").certificate();
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList()).contains("localhost", "127.0.0.1");
        // the hub's own client certificate towards partners: a partner's TLS server refuses one without clientAuth
        X509Certificate client = credential("hub-client").certificate();
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(client.getSubjectX500Principal().getName()).startsWith("CN=CRT-HUB,");

        X509Certificate partner = credential("connector-ehpad-a").certificate();
        assertThat(partner.getSubjectX500Principal().getName()).isEqualTo("CN=ehpad-a,OU=1170780001,O=EHPAD A,C=FR");
        assertThat(partner.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(partner.getIssuerX500Principal().getName()).contains("CN=CRT Hub Dev Organisations CA");

        assertThat(credential("insi").certificate().getSubjectX500Principal().getName()).startsWith("CN=INSI-AUTO,");
        X509Certificate mail = credential("mssante").certificate();
        assertThat(mail.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList()).contains("crt-hub@crt-dev.mssante.fr");

        KeyStore trust = PkiFolder.load(certs.resolve("truststore.p12"), PASSWORD);
        assertThat(Collections.list(trust.aliases())).containsExactlyInAnyOrder("root-ca", "organisations-ca");
        assertThat(((X509Certificate) trust.getCertificate("root-ca")).getSubjectX500Principal().getName())
                .contains("CN=CRT Hub Dev Root CA");
        assertThat(credential("hub-server").chain()).hasSize(3);
    }

    @Test
    void secondInitChangesNoFile() throws Exception {
        pki.init(connectors);
        Map<Path, String> before = snapshot();

        assertThat(new DevPki(certs, PASSWORD).init(connectors)).isEmpty();

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aNewConnectorFileAddsOnlyItsCertificate() throws Exception {
        pki.init(connectors);
        Map<Path, String> before = snapshot();
        writeConnector("saad-c", "SAAD C", "170780003");

        assertThat(pki.init(connectors)).containsExactly("connector-saad-c");

        Map<Path, String> after = snapshot();
        before.forEach((file, state) -> assertThat(after).containsEntry(file, state));
        validate(credential("connector-saad-c").certificate());
    }

    @Test
    void issueAddsAPartnerOnceAndRevokeMakesPkixRefuseIt() throws Exception {
        pki.init(connectors);

        assertThat(pki.issuePartner("dac-17", connectors)).contains("connector-dac-17");
        assertThat(pki.issuePartner("dac-17", connectors)).isEmpty();
        X509Certificate dac = credential("connector-dac-17").certificate();
        validate(dac);

        BigInteger serial = pki.revoke("dac-17");

        assertThat(serial).isEqualTo(dac.getSerialNumber());
        X509CRL crl = pki.folder().readCrl(PkiFolder.ORGANISATIONS_CA).orElseThrow();
        assertThat(crl.getRevokedCertificate(serial)).isNotNull();
        crl.verify(credential("organisations-ca").certificate().getPublicKey());
        assertThatThrownBy(() -> validate(dac)).isInstanceOf(CertPathValidatorException.class)
                .satisfies(e -> assertThat(((CertPathValidatorException) e).getReason())
                        .isEqualTo(CertPathValidatorException.BasicReason.REVOKED));
        validate(credential("connector-ehpad-a").certificate());

        // a revoked partner gets a new certificate on the next issue, and the old serial stays on the CRL
        assertThat(pki.issuePartner("dac-17", connectors)).contains("connector-dac-17");
        validate(credential("connector-dac-17").certificate());
        assertThat(pki.folder().readCrl(PkiFolder.ORGANISATIONS_CA).orElseThrow().getRevokedCertificate(serial)).isNotNull();
    }

    @Test
    void revokingAnUnknownPartnerSaysSo() throws Exception {
        pki.init(connectors);
        assertThatThrownBy(() -> pki.revoke("nobody")).isInstanceOf(IOException.class).hasMessageContaining("nobody");
    }

    private void validate(X509Certificate cert) throws Exception {
        KeyStore trust = PkiFolder.load(certs.resolve("truststore.p12"), PASSWORD);
        X509Certificate root = (X509Certificate) trust.getCertificate("root-ca");
        X509Certificate organisations = (X509Certificate) trust.getCertificate("organisations-ca");
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert, organisations));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(true);
        Collection<Object> crls = List.copyOf(pki.folder().readCrls());
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }

    private Credential credential(String alias) throws IOException {
        return pki.folder().readCredential(alias);
    }

    private Map<Path, String> snapshot() throws IOException {
        try (Stream<Path> files = Files.list(certs)) {
            Map<Path, String> state = new LinkedHashMap<>();
            for (Path f : files.sorted().collect(Collectors.toList())) {
                FileTime t = Files.getLastModifiedTime(f);
                state.put(f.getFileName(), t + " " + Arrays.hashCode(Files.readAllBytes(f)) + " " + Files.size(f));
            }
            return state;
        }
    }

    private void writeConnector(String id, String name, String finess) throws IOException {
        Files.writeString(connectors.resolve(id + ".yaml"), """
                id: %s
                displayName: %s
                kind: ehpad
                organisation:
                  finess: "%s"
                  name: %s
                inbound:
                  transport: mllp
                  sendingApplication: [APP]
                  sendingFacility: [FAC]
                """.formatted(id, name, finess, name));
    }
}
