package fr.crt.hub.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP listener standing where a partner's TLS server should be: it reads the first bytes the hub sends on each
 * connection and closes it. What a TLS client sends first is its ClientHello, in clear by design: the protocol
 * versions (supported_versions extension, RFC 8446 4.2.1) and cipher suites it offers can be read from it, and an
 * MLLP frame (0x0B) instead would mean the message left unencrypted.
 */
public final class ClientHelloProbe {

    /**
     * What one connection started with.
     *
     * @param firstByte    0x16 for a TLS handshake record, 0x0B for an MLLP frame
     * @param versions     protocol versions offered (supported_versions, or the legacy version without it), e.g. 0x0304
     * @param cipherSuites cipher suite codes offered, e.g. 0x1302
     */
    public record Hello(int firstByte, List<Integer> versions, List<Integer> cipherSuites) {}

    private final int port;
    private final List<Hello> seen = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    public ClientHelloProbe(int port) {
        this.port = port;
    }

    public List<Hello> seen() {
        return new ArrayList<>(seen);
    }

    public synchronized void up() {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = s;
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try (Socket c = s.accept()) {
                        c.setSoTimeout(5000);
                        seen.add(read(new DataInputStream(c.getInputStream())));
                    } catch (IOException | RuntimeException e) {
                        // an unreadable hello is not recorded (the test then waits in vain and says so)
                        if (s.isClosed()) return;
                    }
                }
            }, "client-hello-probe-" + port);
            t.setDaemon(true);
            t.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void down() {
        try {
            if (server != null) server.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        server = null;
    }

    static Hello read(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        if (first != 0x16) return new Hello(first, List.of(), List.of());
        in.readUnsignedShort(); // record version
        byte[] record = new byte[in.readUnsignedShort()];
        in.readFully(record);
        ByteBuffer b = ByteBuffer.wrap(record);
        if ((b.get() & 0xff) != 0x01) return new Hello(first, List.of(), List.of()); // not a ClientHello
        b.position(b.position() + 3); // handshake length
        int legacyVersion = b.getShort() & 0xffff;
        b.position(b.position() + 32); // random
        int sessionIdLength = b.get() & 0xff; // read first: position() must be taken after the length byte
        b.position(b.position() + sessionIdLength);
        List<Integer> suites = new ArrayList<>();
        int suitesLength = b.getShort() & 0xffff;
        for (int i = 0; i < suitesLength / 2; i++) suites.add(b.getShort() & 0xffff);
        int compressionLength = b.get() & 0xff;
        b.position(b.position() + compressionLength);
        List<Integer> versions = new ArrayList<>();
        if (b.remaining() >= 2) {
            int extensionsLength = b.getShort() & 0xffff;
            int end = b.position() + extensionsLength;
            while (b.position() + 4 <= end) {
                int type = b.getShort() & 0xffff;
                int length = b.getShort() & 0xffff;
                int next = b.position() + length;
                if (type == 0x002b) { // supported_versions
                    int n = b.get() & 0xff;
                    for (int i = 0; i < n / 2; i++) versions.add(b.getShort() & 0xffff);
                }
                b.position(next);
            }
        }
        if (versions.isEmpty()) versions.add(legacyVersion);
        return new Hello(first, versions, suites);
    }
}
