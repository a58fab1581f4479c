package fr.crt.hub.support;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.smtp.SmtpHandler;
import com.icegreen.greenmail.smtp.commands.SmtpCommandRegistry;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;

/**
 * GreenMail whose IMAP and SMTP servers set TCP_NODELAY on each client connection, as mail servers in production do
 * (Dovecot, Postfix). GreenMail writes a response in several small writes; without TCP_NODELAY, Nagle's algorithm
 * holds the last one until the client acknowledges the first, and the client's delayed ACK makes every IMAP command
 * a 40 ms round trip (measured in the MSSanté benchmark: FLAGS and ENVELOPE fetches at p50 41 ms). That is the test
 * server's latency, not the hub's, and it hid the hub's own costs. For the same reason its IMAP server keeps each
 * folder's UID list between changes ({@link UidCachingImapHost}).
 */
final class NoDelayGreenMail extends GreenMail {

    NoDelayGreenMail(ServerSetup... setups) {
        super(setups);
    }

    /** The port of the server of that protocol ({@code imaps}, {@code smtps}...). */
    int port(String protocol) {
        return services.get(protocol).getPort();
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] setups, Managers managers) {
        Map<String, AbstractServer> servers = new HashMap<>();
        for (ServerSetup setup : setups) {
            String protocol = setup.getProtocol();
            if (protocol.startsWith("imap")) {
                com.icegreen.greenmail.imap.ImapHostManager host = UidCachingImapHost.wrap(managers.getImapHostManager());
                servers.put(protocol, new NoDelayServer(setup, managers,
                        s -> new ImapHandler(managers.getUserManager(), host, s)));
            } else if (protocol.startsWith("smtp")) {
                servers.put(protocol, new NoDelayServer(setup, managers,
                        s -> new SmtpHandler(new SmtpCommandRegistry(), managers.getSmtpManager(), s)));
            } else {
                throw new IllegalArgumentException("no TCP_NODELAY server for " + protocol);
            }
        }
        return servers;
    }

    private static final class NoDelayServer extends AbstractServer {

        private final java.util.function.Function<Socket, ProtocolHandler> handlers;

        NoDelayServer(ServerSetup setup, Managers managers, java.util.function.Function<Socket, ProtocolHandler> handlers) {
            super(setup, managers);
            this.handlers = handlers;
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
