package fr.crt.hub.mssante;

import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.pki.DevPkiBootstrap;
import fr.crt.hub.pki.PkiProperties;
import fr.crt.hub.pki.PkiTls;
import jakarta.mail.Session;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;
import org.apache.camel.CamelContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The CRT's MSSanté mailboxes (connector files {@code kind: mssante}) read into settings, and one TLS mail session
 * each, with the application-mailbox client certificate and the PKI's truststore and CRLs. Their inbound routes are
 * {@link MailboxRoutes}'.
 */
@Component
public class MssanteMailboxes {


    static {
        // Jakarta Mail 2.1 finds its StreamProvider through the ServiceLoader at every header block, body part and
        // decoder (several times per mail), scanning every jar of the hub each time: 5 % of mail processing in a
        // profile. Naming Angus's provider makes it a plain class lookup. Set only when nobody chose another one.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
    public static final String KIND = "mssante";

    private final ConnectorRegistry connectors;
    private final Environment env;
    private final PkiProperties pki;
    private final CamelContext camel;
    private final Map<String, Built> sessions = new ConcurrentHashMap<>();

    /** @param bootstrap only there so that the development PKI exists before keystores are read */
    public MssanteMailboxes(ConnectorRegistry connectors, Environment env, PkiProperties pki, CamelContext camel,
                            DevPkiBootstrap bootstrap) {
        this.connectors = connectors;
        this.env = env;
        this.pki = pki;
        this.camel = camel;
    }

    public List<MailboxSettings> all() {
        List<MailboxSettings> out = new ArrayList<>();
        for (MssanteMailbox m : connectors.services(KIND, MssanteMailbox.class)) out.add(resolve(m));
        return out;
    }

    public Optional<MailboxSettings> byId(String id) {
        return all().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /**
     * The mailbox outbound mail leaves from: the enabled one marked {@code sending: true}, or the only enabled one.
     * Never a guess among several (connector files are read in no set order).
     *
     * @throws IllegalStateException naming what to fix in the connector files
     */
    public MailboxSettings sender() {
        List<MailboxSettings> enabled = all().stream().filter(MailboxSettings::enabled).toList();
        List<MailboxSettings> marked = enabled.stream().filter(MailboxSettings::sending).toList();
        if (marked.size() == 1) return marked.get(0);
        if (marked.size() > 1) {
            throw new IllegalStateException("MSSanté: more than one enabled mailbox has sending: true ("
                    + String.join(", ", marked.stream().map(MailboxSettings::id).sorted().toList()) + ")");
        }
        if (enabled.size() == 1) return enabled.get(0);
        throw new IllegalStateException(enabled.isEmpty() ? "no enabled MSSanté mailbox connector"
                : "MSSanté: " + enabled.size() + " enabled mailboxes and none has sending: true");
    }

    /**
     * The TLS mail session of a mailbox, bound in the Camel registry under {@link MailboxSettings#sessionBean()}. Built
     * once per version of the mailbox's settings: an edited connector file (another certificate, certificate login)
     * gets a new session, the routes and the sender pick it up.
     */
    public synchronized Session session(MailboxSettings m) {
        Built b = sessions.get(m.id());
        if (b == null || !b.settings().equals(m)) {
            b = new Built(m, Session.getInstance(properties(m, socketFactory(m))));
            camel.getRegistry().bind(m.sessionBean(), Session.class, b.session());
            sessions.put(m.id(), b);
        }
        return b.session();
    }

    private record Built(MailboxSettings settings, Session session) {}

    MailboxSettings resolve(MssanteMailbox m) {
        String address = required(m, "address", m.address());
        String folder = orDefault(m.folder(), "INBOX");
        ProcessedMail processed;
        try {
            processed = ProcessedMail.parse(orDefault(m.processedMail(), "seen"), folder);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connector " + m.id() + ": " + e.getMessage(), e);
        }
        String authentication = orDefault(m.authentication(), "password").toLowerCase(Locale.ROOT);
        if (!authentication.equals("password") && !authentication.equals("certificate")) {
            throw new IllegalArgumentException("connector " + m.id() + ": authentication must be password or certificate");
        }
        boolean certificateLogin = authentication.equals("certificate");
        if (certificateLogin && !orDefault(m.password(), "").isEmpty()) {
            // a password next to certificate login would be sent if the server refused EXTERNAL: never
            throw new IllegalArgumentException("connector " + m.id() + ": no password with authentication: certificate");
        }
        return new MailboxSettings(m.id(), address, orDefault(m.login(), certificateLogin ? address : ""), orDefault(m.password(), ""),
                orDefault(m.certificate(), "mssante"), server(m, "imap", m.imap()), server(m, "smtp", m.smtp()),
                folder, Long.parseLong(orDefault(m.pollInterval(), "30000")),
                m.tlsProtocols() == null || m.tlsProtocols().isEmpty() ? List.of("TLSv1.3", "TLSv1.2") : tls(m.tlsProtocols()),
                Boolean.parseBoolean(orDefault(m.enabled(), "true")), processed,
                Boolean.parseBoolean(orDefault(m.sending(), "false")), certificateLogin);
    }

    private MailboxSettings.Server server(MssanteMailbox m, String what, MssanteMailbox.Endpoint e) {
        if (e == null) throw new IllegalArgumentException("connector " + m.id() + ": " + what + " is required");
        String security = orDefault(e.security(), "TLS").toUpperCase(Locale.ROOT);
        if (!security.equals("TLS") && !security.equals("STARTTLS")) {
            throw new IllegalArgumentException("connector " + m.id() + ": " + what + ".security must be TLS or STARTTLS");
        }
        return new MailboxSettings.Server(required(m, what + ".host", e.host()), Integer.parseInt(required(m, what + ".port", e.port())),
                security.equals("TLS"));
    }

    private static List<String> tls(List<String> protocols) {
        for (String p : protocols) {
            if (!p.equals("TLSv1.2") && !p.equals("TLSv1.3")) throw new IllegalArgumentException("TLS protocol refused: " + p);
        }
        return protocols;
    }

    private String required(MssanteMailbox m, String field, String value) {
        String v = value == null ? null : env.resolveRequiredPlaceholders(value).trim();
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("connector " + m.id() + ": " + field + " is required");
        return v;
    }

    private String orDefault(String value, String def) {
        if (value == null) return def;
        String v = env.resolveRequiredPlaceholders(value).trim();
        return v.isEmpty() ? def : v;
    }

    private SSLSocketFactory socketFactory(MailboxSettings m) {
        try {
            return PkiTls.context(pki.dir().resolve(m.certificate() + ".p12"), pki.dir(), pki.password().toCharArray())
                    .getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MSSanté TLS context: " + e.getMessage(), e);
        }
    }

    /** jakarta.mail properties: TLS only (implicit or required STARTTLS), server name checked, bounded timeouts. */
    static Properties properties(MailboxSettings m, SSLSocketFactory factory) {
        Properties p = new Properties();
        String protocols = String.join(" ", m.tlsProtocols());
        for (String proto : List.of("imap", "imaps", "smtp", "smtps")) {
            String k = "mail." + proto + ".";
            p.put(k + "ssl.socketFactory", factory);
            p.put(k + "ssl.protocols", protocols);
            p.put(k + "ssl.checkserveridentity", "true");
            p.put(k + "connectiontimeout", "10000");
            p.put(k + "timeout", "60000");
            p.put(k + "writetimeout", "60000");
            // One FETCH per mail instead of 16 kB chunks: a 1.4 MB mail is one round trip, not ninety.
            p.put(k + "partialfetch", "false");
            if (proto.endsWith("s")) {
                p.put(k + "ssl.enable", "true");
            } else {
                p.put(k + "starttls.enable", "true");
                p.put(k + "starttls.required", "true");
            }
        }
        boolean auth = m.certificateLogin() || !m.password().isEmpty();
        p.put("mail.smtp.auth", Boolean.toString(auth));
        p.put("mail.smtps.auth", Boolean.toString(auth));
        if (m.certificateLogin()) {
            // SASL EXTERNAL (RFC 4422, the JDK's SunSASL client): the TLS client certificate is the credential, the
            // mailbox address the authorisation id. Every password mechanism is switched off, so that a server not
            // offering EXTERNAL makes the login fail instead of falling back to LOGIN/PLAIN.
            for (String proto : List.of("imap", "imaps", "smtp", "smtps")) {
                String k = "mail." + proto + ".";
                p.put(k + "sasl.enable", "true");
                p.put(k + "sasl.mechanisms", "EXTERNAL");
                p.put(k + "sasl.authorizationid", m.address());
                for (String mech : List.of("login", "plain", "ntlm", "xoauth2", "digest-md5")) p.put(k + "auth." + mech + ".disable", "true");
            }
            p.put("mail.smtp.auth.mechanisms", "");
            p.put("mail.smtps.auth.mechanisms", "");
        }
        p.put("mail.smtp.from", m.address());
        p.put("mail.smtps.from", m.address());
        p.put("mail.mime.address.strict", "false");
        return p;
    }
}
