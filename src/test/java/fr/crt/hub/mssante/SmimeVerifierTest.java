package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.pki.SignerTrust;
import fr.crt.hub.pki.TestPki;
import fr.crt.hub.support.InsiWireMock;
import fr.crt.hub.xdm.XdmFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S/MIME signatures checked against a development PKI: signed by a trusted, a foreign and a revoked signer, or altered. */
class SmimeVerifierTest {

    @TempDir
    static Path work;
    static Path hubPki;
    static SmimeVerifier verifier;

    @BeforeAll
    static void pki() {
        hubPki = work.resolve("hub");
        InsiWireMock.copyPkiTo(hubPki);   // a copy: the revocation test changes its CRL
        verifier = new SmimeVerifier(new SignerTrust(hubPki, TestPki.PASSWORD));
    }

    private static MailContent.Signed signedBy(TestPki.Signer signer, String id) throws Exception {
        byte[] xdm = XdmFixtures.xdm(XdmFixtures.ldlSes("279035121518989"));
        byte[] raw = Mails.bytes(Mails.signedBy(Mails.mail("crt@x.fr", id, false, "IHE_XDM.ZIP", "application/zip", xdm), id, signer));
        return MailContent.parse(raw, MailContent.Limits.DEFAULT).signed();
    }

    @Test
    void aMailSignedByTheMailboxCertificateOfTheTrustedPkiIsVerified() throws Exception {
        SmimeVerifier.Check check = verifier.verify(signedBy(TestPki.signer(hubPki, TestPki.MSSANTE), "<s1@b>"), new Date());
        assertThat(check.outcome()).isEqualTo(SmimeVerifier.Outcome.VERIFIED);
        assertThat(check.detail()).startsWith("S/MIME signature verified, signer ");
    }

    @Test
    void contentChangedAfterSigningIsInvalid() throws Exception {
        MailContent.Signed good = signedBy(TestPki.signer(hubPki, TestPki.MSSANTE), "<s2@b>");
        String text = new String(good.content(), StandardCharsets.ISO_8859_1).replace("Bonjour", "Bonsoir");
        SmimeVerifier.Check check = verifier.verify(new MailContent.Signed(text.getBytes(StandardCharsets.ISO_8859_1), good.signature()), new Date());
        assertThat(check.outcome()).isEqualTo(SmimeVerifier.Outcome.INVALID);
        assertThat(check.detail()).contains("changed after signing");
    }

    @Test
    void aSignatureThatIsNotCmsIsInvalid() {
        SmimeVerifier.Check check = verifier.verify(new MailContent.Signed("x".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0x30, (byte) 0x82, 1, 2, 3}), new Date());
        assertThat(check.outcome()).isEqualTo(SmimeVerifier.Outcome.INVALID);
        assertThat(check.detail()).contains("unreadable");
    }

    @Test
    void aSignerFromAnotherPkiMatchesButIsNotTrusted() throws Exception {
        Path foreign = work.resolve("foreign");
        Files.createDirectories(foreign);
        TestPki.foreignPki(foreign, Files.createDirectories(work.resolve("no-connectors")), "elsewhere");
        SmimeVerifier.Check check = verifier.verify(signedBy(TestPki.signer(foreign, TestPki.MSSANTE), "<s3@b>"), new Date());
        assertThat(check.outcome()).isEqualTo(SmimeVerifier.Outcome.UNTRUSTED);
        assertThat(check.detail()).contains("not trusted");
    }

    @Test
    void aRevokedSignerIsNotTrustedAfterItsRevocation() throws Exception {
        Path issued = work.resolve("issued");
        Path keystore = TestPki.issueClient(hubPki, issued, "revoked-signer", "ssiad-test", "SSIAD test", "990000001",
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
        MailContent.Signed signed = signedBy(TestPki.signer(keystore.getParent(), "revoked-signer"), "<s4@b>");
        assertThat(verifier.verify(signed, new Date()).outcome()).isEqualTo(SmimeVerifier.Outcome.VERIFIED);
        TestPki.revokeInHubCrl(hubPki, keystore, "revoked-signer");
        SmimeVerifier.Check check = verifier.verify(signed, new Date());
        assertThat(check.outcome()).isEqualTo(SmimeVerifier.Outcome.UNTRUSTED);
        assertThat(check.detail()).containsIgnoringCase("revoked");
    }
}
