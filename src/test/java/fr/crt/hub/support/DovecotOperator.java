package fr.crt.hub.support;

import fr.crt.hub.pki.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real mail server that logs application mailboxes in the way MSSanté operators do: Dovecot (Debian's
 * {@code dovecot-imapd} and {@code dovecot-submissiond}, installed by {@code .ci/run}) with IMAPS and SUBMISSIONS
 * requiring a client certificate under the test PKI, and SASL EXTERNAL as the only login mechanism: the mailbox is
 * the certificate's common name, no password exists. Submitted mail is relayed to a plain SMTP server of the test
 * (GreenMail). GreenMail cannot stand in: it has no EXTERNAL. One instance per call of {@link #start}, in its own
 * folder, on free ports, stopped with {@link #close}.
 */
public final class DovecotOperator implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/dovecot");
    private static final AtomicLong DELIVERIES = new AtomicLong();

    private final Process process;
    private final Path dir;
    public final int imaps;
    public final int submissions;

    private DovecotOperator(Process process, Path dir, int imaps, int submissions) {
        this.process = process;
        this.dir = dir;
        this.imaps = imaps;
        this.submissions = submissions;
    }

    /** Whether this machine can run it: the binary, and root (Dovecot's own users run its login and mail processes). */
    public static boolean available() {
        return Files.isExecutable(BINARY) && "root".equals(System.getProperty("user.name"));
    }

    /**
     * @param pki   the test PKI: server key {@code hub-server}, and the truststore client certificates are checked against
     * @param relay SMTP port on 127.0.0.1 that submitted mail is relayed to (plain, no authentication)
     */
    public static DovecotOperator start(Path pki, int relay) throws IOException, InterruptedException {
        // not under the test run's own 0700 folder: Dovecot's mail processes (nobody) must reach the mailboxes
        Path dir = Files.createTempDirectory("crt-hub-dovecot-");
        Path mail = Files.createDirectories(dir.resolve("mail"));
        // mail processes run as nobody: the mailbox tree must be theirs to write
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxrwxrwx"));
        TestPki.exportPem(pki, TestPki.HUB_SERVER, dir.resolve("server.key"), dir.resolve("server.pem"), dir.resolve("ca.pem"));
        int imaps = HubTestCommon.freePort();
        int submissions = HubTestCommon.freePort();
        Path conf = dir.resolve("dovecot.conf");
        Files.writeString(conf, config(dir, imaps, submissions, relay));
        Process p = new ProcessBuilder(BINARY.toString(), "-F", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        DovecotOperator operator = new DovecotOperator(p, dir, imaps, submissions);
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (!(listening(imaps) && listening(submissions))) {
            if (!p.isAlive() || Instant.now().isAfter(until)) {
                operator.close();
                throw new IllegalStateException("dovecot did not start: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("dovecot.log")) ? Files.readString(dir.resolve("dovecot.log")) : ""));
            }
            Thread.sleep(100);
        }
        return operator;
    }

    /** Puts a mail in {@code user}'s INBOX as a local delivery agent does (Maildir {@code new/}). */
    public void deliver(String user, byte[] raw) throws IOException {
        Path maildir = dir.resolve("mail").resolve(user).resolve("Maildir");
        for (String sub : List.of("", "new", "cur", "tmp")) {
            Files.setPosixFilePermissions(Files.createDirectories(maildir.resolve(sub)), PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Files.setPosixFilePermissions(maildir.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        String name = System.currentTimeMillis() / 1000 + ".T" + DELIVERIES.incrementAndGet() + ".crt-test";
        Path tmp = maildir.resolve("tmp").resolve(name);
        Files.write(tmp, raw);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.move(tmp, maildir.resolve("new").resolve(name));
    }

    /** Dovecot's log: which mechanism and user each login used, and why a login failed. */
    public String log() {
        try {
            Path log = dir.resolve("dovecot.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover folder under /tmp is harmless; the next run makes its own
        }
    }

    private static String config(Path dir, int imaps, int submissions, int relay) {
        String dh = Files.exists(Path.of("/usr/share/dovecot/dh.pem")) ? "ssl_dh = </usr/share/dovecot/dh.pem\n" : "";
        return """
                # written by fr.crt.hub.support.DovecotOperator for one test run
                instance_name = crt-hub-test-%2$d
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                info_log_path = %1$s/dovecot.log
                auth_verbose = yes
                listen = 127.0.0.1
                protocols = imap submission
                hostname = operator.crt-test.mssante.fr
                ssl = required
                ssl_cert = <%1$s/server.pem
                ssl_key = <%1$s/server.key
                ssl_ca = <%1$s/ca.pem
                %5$sssl_min_protocol = TLSv1.2
                ssl_verify_client_cert = yes
                ssl_require_crl = no
                auth_ssl_require_client_cert = yes
                auth_ssl_username_from_cert = yes
                ssl_cert_username_field = commonName
                auth_mechanisms = external
                disable_plaintext_auth = yes
                passdb {
                  driver = static
                  args = nopassword=y
                }
                userdb {
                  driver = static
                  args = uid=nobody gid=nogroup home=%1$s/mail/%%u
                }
                mail_location = maildir:~/Maildir
                service imap-login {
                  inet_listener imap {
                    port = 0
                  }
                  inet_listener imaps {
                    port = %2$d
                    ssl = yes
                  }
                }
                service submission-login {
                  inet_listener submission {
                    port = 0
                  }
                  inet_listener submissions {
                    port = %3$d
                    ssl = yes
                  }
                }
                submission_relay_host = 127.0.0.1
                submission_relay_port = %4$d
                submission_relay_ssl = no
                """.formatted(dir, imaps, submissions, relay, dh);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
