package fr.crt.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pki init|issue|revoke|list} as typed after {@code java -jar crt-hub.jar}, against the project's connector files. */
class PkiCommandTest {

    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void initIssueRevokeList() {
        String dir = tmp.resolve("certs").toString();
        String[] opts = {"--dir", dir, "--connectors", Path.of("connectors").toString(), "--password=cmd-test"};

        assertThat(run("init", opts)).isZero();
        assertThat(output()).contains("hub-server", "connector-chu-x-gam", "connector-ehpad-les-tilleuls");
        assertThat(Files.exists(tmp.resolve("certs/connector-chu-x-gam.p12"))).isTrue();

        assertThat(run("init", opts)).isZero();
        assertThat(output()).contains("nothing created");

        assertThat(run2("issue", "ssiad-du-port", opts)).isZero();
        assertThat(output()).contains("Issued connector-ssiad-du-port.p12");

        assertThat(run2("revoke", "ssiad-du-port", opts)).isZero();
        assertThat(output()).contains("Revoked ssiad-du-port");

        assertThat(run("list", opts)).isZero();
        assertThat(output()).containsPattern("connector-ssiad-du-port\\s+ssiad-du-port\\s+\\d+\\s+revoked")
                .containsPattern("connector-chu-x-gam\\s+chu-x-gam\\s+\\d+\\s+valid")
                .contains("CN=INSI-AUTO").doesNotContain("cmd-test");
    }

    @Test
    void notAPkiCommandStartsTheHub() {
        assertThat(PkiCommand.handle(new String[] {"--server.port=0"})).isFalse();
        assertThat(PkiCommand.handle(new String[0])).isFalse();
    }

    @Test
    void badUsageGetsAClearMessage() {
        assertThat(PkiCommand.run(new String[] {"pki", "frobnicate"}, ps(out), ps(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command frobnicate", "usage");
    }

    private int run(String command, String... opts) {
        String[] args = new String[opts.length + 2];
        args[0] = "pki";
        args[1] = command;
        System.arraycopy(opts, 0, args, 2, opts.length);
        out.reset();
        return PkiCommand.run(args, ps(out), ps(err));
    }

    private int run2(String command, String arg, String... opts) {
        String[] args = new String[opts.length + 3];
        args[0] = "pki";
        args[1] = command;
        args[2] = arg;
        System.arraycopy(opts, 0, args, 3, opts.length);
        out.reset();
        return PkiCommand.run(args, ps(out), ps(err));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream ps(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }
}
