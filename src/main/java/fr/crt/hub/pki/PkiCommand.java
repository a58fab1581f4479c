package fr.crt.hub.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code java -jar crt-hub.jar pki <init|issue|revoke|list>}: the development PKI from the hub's own jar, without
 * starting the hub and without keytool/openssl scripts.
 *
 * <pre>
 * pki init   [--dir certs] [--connectors connectors] [--password …]   create whatever is missing
 * pki issue  &lt;partner-id&gt;  [options]                                 client certificate for one more partner
 * pki revoke &lt;partner-id|alias&gt; [options]                            add its serial to the CRL, re-sign it
 * pki list   [options]                                                 every certificate, validity, revocation
 * </pre>
 * The password defaults to {@code hub.pki.password} / {@code HUB_PKI_PASSWORD}, else {@code changeit} (development).
 */
public final class PkiCommand {

    private PkiCommand() {}

    /** Runs the command when the first argument is {@code pki}; true means "done, do not start the hub". */
    public static boolean handle(String[] args) {
        if (args == null || args.length == 0 || !"pki".equals(args[0])) return false;
        int code = run(args, System.out, System.err);
        if (code != 0) System.exit(code);
        return true;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String dir = setting("hub.pki.dir", "HUB_PKI_DIR", "certs");
        String connectors = setting("hub.connectors.dir", "HUB_CONNECTORS_DIR", "connectors");
        String password = setting("hub.pki.password", "HUB_PKI_PASSWORD", PkiProperties.DEFAULT_PASSWORD);
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String value = null;
            if (a.startsWith("--") && a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            } else if (a.startsWith("--")) {
                if (i + 1 >= args.length) return usage(err, "missing value for " + a);
                value = args[++i];
            }
            switch (a) {
                case "--dir" -> dir = value;
                case "--connectors" -> connectors = value;
                case "--password" -> password = value;
                default -> {
                    if (a.startsWith("--")) return usage(err, "unknown option " + a);
                    positional.add(a);
                }
            }
        }
        if (positional.isEmpty()) return usage(err, "missing command");
        String folder = dir;
        DevPki pki = new DevPki(Path.of(dir), password.toCharArray());
        Path connectorsDir = Path.of(connectors);
        try {
            switch (positional.get(0)) {
                case "init" -> {
                    List<String> created = pki.init(connectorsDir);
                    out.println(created.isEmpty() ? "PKI in " + dir + " is complete, nothing created"
                            : "Created in " + dir + ": " + String.join(", ", created));
                }
                case "issue" -> {
                    if (positional.size() != 2) return usage(err, "issue needs one partner id");
                    pki.init(connectorsDir);
                    Optional<String> issued = pki.issuePartner(positional.get(1), connectorsDir);
                    out.println(issued.map(a -> "Issued " + a + ".p12 in " + folder)
                            .orElse(positional.get(1) + " already has a valid certificate"));
                }
                case "revoke" -> {
                    if (positional.size() != 2) return usage(err, "revoke needs one partner id or alias");
                    BigInteger serial = pki.revoke(positional.get(1));
                    out.println("Revoked " + positional.get(1) + " (serial " + serial.toString(16) + "), CRL re-signed");
                }
                case "list" -> list(Path.of(dir), password.toCharArray(), out);
                default -> {
                    return usage(err, "unknown command " + positional.get(0));
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("pki " + positional.get(0) + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static void list(Path dir, char[] password, PrintStream out) {
        Instant now = Instant.now();
        out.printf("%-34s %-20s %6s %-8s %s%n", "ALIAS", "USED BY", "DAYS", "STATE", "SUBJECT");
        for (HeldCertificate h : HeldCertificate.readFolder(dir, password)) {
            CertificateView v = CertificateView.of(h, now);
            String state = v.revoked() ? "revoked" : v.expired() ? "expired" : "valid";
            out.printf("%-34s %-20s %6d %-8s %s%n", v.alias(), v.usedBy(), v.daysLeft(), state, v.subject());
        }
    }

    private static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("pki: " + problem);
        err.println("usage: pki init|list [--dir certs] [--connectors connectors] [--password …]");
        err.println("       pki issue <partner-id> [options]   pki revoke <partner-id|alias> [options]");
        return 2;
    }
}
