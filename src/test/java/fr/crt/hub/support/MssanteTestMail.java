package fr.crt.hub.support;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.crt.hub.pki.PkiTls;
import fr.crt.hub.pki.TestPki;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The MSSanté operator of the test hubs: one GreenMail (IMAPS and SMTPS, TLS only; not the alert SMTP of
 * {@link HubTestCommon#smtp()}) for the JVM. Its server certificate is the {@code hub-server} certificate of the
 * shared test PKI ({@link InsiWireMock#pkiDir()}), which every test hub starts with, so the hub's mailbox connector
 * trusts it through the hub's own truststore. Like an MSSanté operator, it requires a client certificate issued under
 * that PKI (the hub presents {@code mssante.p12}). Each hub gets its own mailbox on the server.
 */
public final class MssanteTestMail {

    /** GreenMail waits 2 s by default for its TLS servers to start: too short on a loaded 2-core CI machine. */
    public static final long STARTUP_MS = 30_000;

    public static ServerSetup slowStart(ServerSetup setup) {
        setup.setServerStartupTimeout(STARTUP_MS);
        return setup;
    }

    public static final String PASSWORD = "mssante-test-password";
    private static final AtomicInteger HUBS = new AtomicInteger();
    private static NoDelayGreenMail greenMail;

    private MssanteTestMail() {}

    /** Starts the server (once) and registers the mailbox properties of one hub (its PKI folder is a copy of the shared one). */
    static synchronized void register(DynamicPropertyRegistry r) {
        start();
        int hub = HUBS.incrementAndGet();
        String address = "crt-hub-" + hub + "@crt-dev.mssante.fr";
        greenMail.setUser(address, address, PASSWORD);
        r.add("hub.mssante.address", () -> address);
        // the test-only mailboxes of src/test/resources/connectors (processedMail move and delete)
        for (String kind : List.of("archive", "purge")) {
            String other = "crt-" + kind + "-" + hub + "@crt-dev.mssante.fr";
            greenMail.setUser(other, other, PASSWORD);
            r.add("hub.mssante." + kind + "-address", () -> other);
        }
        r.add("hub.mssante.login", () -> address);
        r.add("hub.mssante.password", () -> PASSWORD);
        r.add("hub.mssante.imap-host", () -> "localhost");
        r.add("hub.mssante.smtp-host", () -> "localhost");
        r.add("hub.mssante.imap-port", () -> greenMail.port(ServerSetup.PROTOCOL_IMAPS));
        r.add("hub.mssante.smtp-port", () -> greenMail.port(ServerSetup.PROTOCOL_SMTPS));
        r.add("hub.mssante.poll-ms", () -> 200);
    }

    /**
     * For a hub run as a separate process ({@link HubProcess}): copies the shared PKI into {@code hubPkiDir}, opens a
     * mailbox, and returns the command-line arguments pointing the hub's mailbox connector at it.
     */
    public static synchronized List<String> hubArgs(Path hubPkiDir, String address) {
        start();
        InsiWireMock.copyPkiTo(hubPkiDir);
        greenMail.setUser(address, address, PASSWORD);
        return List.of("--hub.mssante.address=" + address, "--hub.mssante.login=" + address,
                "--hub.mssante.password=" + PASSWORD, "--hub.mssante.imap-host=localhost", "--hub.mssante.smtp-host=localhost",
                "--hub.mssante.imap-port=" + greenMail.port(ServerSetup.PROTOCOL_IMAPS), "--hub.mssante.smtp-port=" + greenMail.port(ServerSetup.PROTOCOL_SMTPS),
                "--hub.mssante.poll-ms=100");
    }

    public static synchronized GreenMail server() {
        start();
        return greenMail;
    }

    /** The port of the operator's server for {@code protocol} ({@code imaps}, {@code smtps}). */
    public static synchronized int port(String protocol) {
        start();
        return greenMail.port(protocol);
    }

    /** The mailbox of a hub (the address its connector reads). */
    public static GreenMailUser mailbox(String address) {
        return greenMail.getUserManager().getUser(address);
    }

    /**
     * The operator's TLS: the shared PKI's {@code hub-server} key, and its truststore for the client certificates it
     * requires (the hub's {@code mssante.p12} is issued under it).
     */
    public static SSLContext serverTls(Path pki) {
        try {
            return PkiTls.context(TestPki.keystore(pki, TestPki.HUB_SERVER), pki, TestPki.PASSWORD);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("test mail server TLS: " + e.getMessage(), e);
        }
    }

    private static void start() {
        if (greenMail != null) return;
        Path pki = InsiWireMock.pkiDir();
        greenMail = NoDelayGreenMail.requiringClientCertificates(serverTls(pki), new ServerSetup[] {
            slowStart(new ServerSetup(HubTestCommon.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_IMAPS)),
            slowStart(new ServerSetup(HubTestCommon.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS))});
        greenMail.start();
        Runtime.getRuntime().addShutdownHook(new Thread(greenMail::stop));
    }
}
