package fr.crt.hub.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A partner's MLLP server as the hub sees it from outside: accepts connections, answers each message with an ACK whose
 * MSA-1 the test decides ({@link #answer}, AA by default), records every message it was sent (also the AE/AR ones).
 * {@link #down()} closes the listening socket (connection refused), {@link #up()} listens again on the same port.
 * With {@link #tls} it listens over TLS, a client certificate required and checked against the context's trust
 * (as a partner trusting the hub's CA does); each message then records the protocol and the client certificate, and a
 * failed handshake is recorded in {@link #handshakeFailures()} (nothing is read from such a connection).
 */
public final class PartnerMllpReceiver {

    /**
     * One message received and the code answered; over TLS, the protocol negotiated and the subject of the client
     * certificate the hub presented (null in clear).
     */
    public record Received(String er7, String answered, String tlsProtocol, String clientCertificate) {
        public Received(String er7, String answered) {
            this(er7, answered, null, null);
        }

        public String field(String segment, int field) {
            for (String seg : er7.split("\r")) {
                if (seg.startsWith(segment + "|")) {
                    String[] f = seg.split("\\|", -1);
                    int i = segment.equals("MSH") ? field - 1 : field;
                    return i < f.length ? f[i] : "";
                }
            }
            return null;
        }
    }

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<String, String> answer = m -> "AA";
    private volatile ServerSocket server;
    private volatile boolean delay;
    private volatile SSLContext tls;
    private volatile String[] tlsProtocols;
    private final List<String> handshakeFailures = new CopyOnWriteArrayList<>();

    public PartnerMllpReceiver(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** MSA-1 to answer for a message (AA, AE, AR), or null for no answer at all (the hub times out). */
    public void answer(Function<String, String> f) {
        this.answer = f;
    }

    /**
     * From the next {@link #up()}: TLS with this server context (its key: the server certificate; its trust: the CAs
     * whose client certificates are accepted), client certificate required; {@code protocols} restricts the versions
     * (none: the JVM's). Null: in clear.
     */
    public PartnerMllpReceiver tls(SSLContext serverContext, String... protocols) {
        this.tls = serverContext;
        this.tlsProtocols = protocols.length == 0 ? null : protocols;
        return this;
    }

    /** Why each TLS handshake this receiver saw failed, in order. */
    public List<String> handshakeFailures() {
        return new ArrayList<>(handshakeFailures);
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Messages whose PID-3 holds {@code hubPatientId} (the hub's id of the person), in arrival order. */
    public List<Received> about(String hubPatientId) {
        return received().stream().filter(r -> {
            String pid3 = r.field("PID", 3);
            return pid3 != null && pid3.startsWith(hubPatientId + "^");
        }).toList();
    }

    public synchronized void up() {
        if (server != null) return;
        try {
            SSLContext ctx = tls;
            ServerSocket s = ctx == null ? new ServerSocket() : ctx.getServerSocketFactory().createServerSocket();
            if (s instanceof SSLServerSocket ssl) {
                ssl.setNeedClientAuth(true);
                if (tlsProtocols != null) ssl.setEnabledProtocols(tlsProtocols);
            }
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = s;
            Thread t = new Thread(() -> accept(s), "partner-mllp-" + port);
            t.setDaemon(true);
            t.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void down() {
        if (server == null) return;
        try {
            server.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        server = null;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                Thread t = new Thread(() -> serve(c, s), "partner-mllp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket c, ServerSocket owner) {
        try (c) {
            String protocol = null;
            String client = null;
            if (c instanceof SSLSocket ssl) {
                try {
                    ssl.startHandshake();
                    protocol = ssl.getSession().getProtocol();
                    client = ((X509Certificate) ssl.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
                } catch (IOException e) {
                    handshakeFailures.add(String.valueOf(e.getMessage()));
                    return;
                }
            }
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            while (true) {
                String msg = readFrame(in);
                if (msg == null || owner.isClosed()) return;
                String code = answer.apply(msg);
                received.add(new Received(msg, code, protocol, client));
                if (code == null) continue;
                String ctl = new Received(msg, code).field("MSH", 10);
                String ack = "MSH|^~\\&|PARTNER|PARTNER|CRT_HUB|CRT|20261125120000||ACK|A" + ctl + "|P|2.5\rMSA|" + code + "|" + ctl
                        + (code.equals("AA") ? "" : "|test partner says " + code) + "\r";
                out.write(0x0b);
                out.write(ack.getBytes(StandardCharsets.UTF_8));
                out.write(0x1c);
                out.write(0x0d);
                out.flush();
            }
        } catch (IOException ignored) {
            // the hub closed the connection
        }
    }

    private static String readFrame(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) != 0x0b) {
            if (b < 0) return null;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while ((b = in.read()) != 0x1c) {
            if (b < 0) return null;
            buf.write(b);
        }
        in.read(); // CR
        return buf.toString(StandardCharsets.UTF_8);
    }
}
