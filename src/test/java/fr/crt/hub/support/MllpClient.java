package fr.crt.hub.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** A partner's MLLP client, as simple as the ones in the field: frame, send, wait for the ACK frame. */
public class MllpClient implements Closeable {

    private static final int START = 0x0b;
    private static final int END = 0x1c;
    private static final int CR = 0x0d;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public MllpClient(String host, int port) throws IOException {
        this(new Socket(host, port));
    }

    /** A client on an already connected socket (e.g. a TLS one, {@link MllpTlsClient}). */
    protected MllpClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    public String send(String message) throws IOException {
        return send(message, StandardCharsets.UTF_8);
    }

    public String send(String message, Charset charset) throws IOException {
        return new String(sendBytes(message.getBytes(charset)), charset);
    }

    public byte[] sendBytes(byte[] payload) throws IOException {
        writeFrame(payload);
        return readFrame();
    }

    public void writeFrame(byte[] payload) throws IOException {
        out.write(START);
        out.write(payload);
        out.write(END);
        out.write(CR);
        out.flush();
    }

    /** Writes raw bytes with no framing (to send truncated frames). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public byte[] readFrame() throws IOException {
        int b;
        while ((b = in.read()) != START) {
            if (b < 0) throw new IOException("connection closed before an ACK");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            b = in.read();
            if (b < 0) throw new IOException("connection closed inside an ACK frame");
            if (b == END) {
                in.read(); // trailing CR
                return buf.toByteArray();
            }
            buf.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** MSA-1 of an ACK. */
    public static String ackCode(String ack) {
        return field(ack, "MSA", 1);
    }

    /** Field n of the first segment named seg (ER7 with CR separators). */
    public static String field(String er7, String seg, int n) {
        for (String s : er7.split("[\r\n]+")) {
            if (s.startsWith(seg + "|")) {
                String[] f = s.split("\\|", -1);
                int idx = seg.equals("MSH") ? n - 1 : n;
                return idx < f.length ? f[idx] : null;
            }
        }
        return null;
    }
}
