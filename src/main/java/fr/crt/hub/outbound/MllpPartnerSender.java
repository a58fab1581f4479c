package fr.crt.hub.outbound;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.springframework.stereotype.Component;

/**
 * HL7 v2 over MLLP as a client: frame the message, wait for the ACK on the same connection (at most
 * {@code timeoutMs}), read MSA-1 with HAPI. AA (or CA) delivered; AE/CE retried; AR/CR refused (dead letter, MSA-3 /
 * ERR-8 kept as the reason); no ACK, a timeout, an unreadable ACK or a connection error retried. One connection per
 * message: a partner restarting between two messages costs nothing, and nothing half-sent stays on a socket.
 * TLS (option {@code tls: true}) presents the hub's client certificate ({@link OutboundTls}); the message is only
 * written once the handshake succeeded: a partner whose certificate is not trusted, or who refuses the hub's, is
 * retried with that reason, and nothing ever leaves in clear.
 */
@Component
public class MllpPartnerSender implements PartnerSender {

    private static final int START = 0x0b;
    private static final int END = 0x1c;
    private static final int CR = 0x0d;
    private static final int MAX_ACK_BYTES = 1 << 20;

    private final OutboundTls tls;
    private final HapiContext hapi = new DefaultHapiContext(ValidationContextFactory.noValidation());

    public MllpPartnerSender(OutboundTls tls) {
        this.tls = tls;
    }

    @Override
    public DeliveryOutcome send(PartnerOutbound partner, long messageId, String controlId, byte[] raw) {
        byte[] ack;
        try (Socket s = connect(partner)) {
            OutputStream out = s.getOutputStream();
            out.write(START);
            out.write(raw);
            out.write(END);
            out.write(CR);
            out.flush();
            ack = readFrame(s.getInputStream());
        } catch (SocketTimeoutException e) {
            return DeliveryOutcome.retry("no ACK within " + partner.timeoutMs() + " ms");
        } catch (SSLException e) {
            return DeliveryOutcome.retry(OutboundTls.reason(e));
        } catch (IOException e) {
            return DeliveryOutcome.retry("MLLP connection failed: " + e.getClass().getSimpleName());
        } catch (IllegalStateException e) {
            return DeliveryOutcome.retry("TLS not possible: " + e.getMessage()); // no usable client certificate
        }
        return judge(new String(ack, StandardCharsets.UTF_8));
    }

    DeliveryOutcome judge(String ackText) {
        String code;
        String text;
        try {
            Message ack = hapi.getGenericParser().parse(ackText);
            Terser t = new Terser(ack);
            code = t.get("/MSA-1");
            text = t.get("/MSA-3");
            if (text == null) {
                try {
                    text = t.get("/ERR-8");
                } catch (Exception noErr) {
                    text = null;
                }
            }
        } catch (Exception e) {
            return DeliveryOutcome.retry("unreadable ACK: " + e.getClass().getSimpleName());
        }
        code = code == null ? "" : code.trim();
        String why = code + (text == null || text.isBlank() ? "" : ": " + text);
        return switch (code) {
            case "AA", "CA" -> DeliveryOutcome.delivered("AA");
            case "AR", "CR" -> DeliveryOutcome.refused("refused by the partner (" + why + ")", "AR");
            case "AE", "CE" -> DeliveryOutcome.retry("error at the partner (" + why + ")", "AE");
            default -> DeliveryOutcome.retry("ACK without a known MSA-1 code");
        };
    }

    private Socket connect(PartnerOutbound p) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(p.host(), p.port()), p.timeoutMs());
            plain.setSoTimeout(p.timeoutMs());
            plain.setTcpNoDelay(true);
            if (!p.tls()) return plain;
            SSLContext ctx = tls.context(p.certificate());
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, p.host(), p.port(), true);
            s.setSSLParameters(tls.parameters(ctx)); // hub.tls protocols and suites; the certificate must name the host
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static byte[] readFrame(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) != START) {
            if (b < 0) throw new IOException("connection closed before an ACK");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while ((b = in.read()) != END) {
            if (b < 0) throw new IOException("connection closed inside the ACK");
            if (buf.size() >= MAX_ACK_BYTES) throw new IOException("ACK too large");
            buf.write(b);
        }
        return buf.toByteArray();
    }
}
