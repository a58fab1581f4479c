package fr.crt.hub.support;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.smtp.SmtpHandler;
import com.icegreen.greenmail.smtp.commands.SmtpCommandRegistry;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * GreenMail whose IMAP and SMTP servers set TCP_NODELAY on each client connection, as mail servers in production do
 * (Dovecot, Postfix). GreenMail writes a response in several small writes; without TCP_NODELAY, Nagle's algorithm
 * holds the last one until the client acknowledges the first, and the client's delayed ACK makes every IMAP command
 * a 40 ms round trip (measured in the MSSanté benchmark: FLAGS and ENVELOPE fetches at p50 41 ms). That is the test
 * server's latency, not the hub's, and it hid the hub's own costs. For the same reason its IMAP server keeps each
 * folder's UID list between changes ({@link UidCachingImapHost}).
 *
 * <p>Its TLS servers (IMAPS, SMTPS) require a client certificate issued under the truststore they are given, as
 * MSSanté operators do for application mailboxes: a client without one, or with one from another PKI, fails the
 * handshake before any IMAP or SMTP command.
 */
final class NoDelayGreenMail extends GreenMail {

    /** Set before {@code super(...)} starts the services; read by their server sockets. */
    private static final ThreadLocal<SSLContext> PENDING_TLS = new ThreadLocal<>();
    private final SSLContext tls;

    private NoDelayGreenMail(SSLContext tls, ServerSetup... setups) {
        super(setups);
        this.tls = tls;
    }

    /** @param tls server key and the truststore client certificates are checked against */
    static NoDelayGreenMail requiringClientCertificates(SSLContext tls, ServerSetup... setups) {
        PENDING_TLS.set(tls);
        try {
            return new NoDelayGreenMail(tls, setups);
        } finally {
            PENDING_TLS.remove();
        }
    }

    /** The port of the server of that protocol ({@code imaps}, {@code smtps}...). */
    int port(String protocol) {
        return services.get(protocol).getPort();
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] setups, Managers managers) {
        // called from GreenMail's constructor, before this.tls is assigned
        SSLContext tls = this.tls != null ? this.tls : PENDING_TLS.get();
        Map<String, AbstractServer> servers = new HashMap<>();
        for (ServerSetup setup : setups) {
            String protocol = setup.getProtocol();
            if (protocol.startsWith("imap")) {
                com.icegreen.greenmail.imap.ImapHostManager host = UidCachingImapHost.wrap(managers.getImapHostManager());
                servers.put(protocol, new NoDelayServer(setup, managers, tls,
                        s -> new ImapHandler(managers.getUserManager(), host, s)));
            } else if (protocol.startsWith("smtp")) {
                servers.put(protocol, new NoDelayServer(setup, managers, tls,
                        s -> new SmtpHandler(new SmtpCommandRegistry(), managers.getSmtpManager(), s)));
            } else {
                throw new IllegalArgumentException("no TCP_NODELAY server for " + protocol);
            }
        }
        return servers;
    }

    private static final class NoDelayServer extends AbstractServer {

        private final java.util.function.Function<Socket, ProtocolHandler> handlers;
        private final SSLContext tls;

        NoDelayServer(ServerSetup setup, Managers managers, SSLContext tls, java.util.function.Function<Socket, ProtocolHandler> handlers) {
            super(setup, managers);
            this.tls = tls;
            this.handlers = handlers;
        }

        @Override
        protected ServerSocket openServerSocket() throws IOException {
            if (!setup.isSecure() || tls == null) return super.openServerSocket();
            SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            socket.setNeedClientAuth(true);
            socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            socket.setReuseAddress(true);
            try {
                socket.bind(new InetSocketAddress(bindTo, setup.getPort()));
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            setup = setup.withPort(socket.getLocalPort());
            setName(setup.getProtocol() + ':' + setup.getBindAddress() + ':' + setup.getPort());
            return socket;
        }

        @Override
        protected ProtocolHandler createProtocolHandler(Socket socket) {
            try {
                socket.setTcpNoDelay(true);
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
            return handlers.apply(socket);
        }
    }
}
