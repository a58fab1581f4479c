package fr.crt.hub.support;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A partner's MLLP client over TLS 1.2/1.3: presents the client certificate of the given PKCS#12 keystore (or none)
 * and trusts the CAs of the given truststore, like a DUI configured with the files the hub's PKI command issued.
 */
public class MllpTlsClient extends MllpClient {

    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLSocket ssl;

    /**
     * @param keystore client keystore ({@code .p12}), null to present no certificate
     * @param truststore truststore ({@code .p12}) with the CAs the hub's server certificate chains to
     */
    public MllpTlsClient(String host, int port, Path keystore, Path truststore, char[] password, String... protocols)
            throws IOException {
        this(connect(host, port, keystore, truststore, password, protocols.length == 0 ? PROTOCOLS : protocols));
    }

    private MllpTlsClient(SSLSocket socket) throws IOException {
        super(socket);
        this.ssl = socket;
    }

    private static SSLSocket connect(String host, int port, Path keystore, Path truststore, char[] password,
                                     String[] protocols) throws IOException {
        try {
            KeyManager[] keys = null;
            if (keystore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keystore, password), password);
                keys = kmf.getKeyManagers();
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(truststore, password));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, tmf.getTrustManagers(), null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, port);
            s.setEnabledProtocols(protocols);
            s.setSoTimeout(30_000);
            s.setTcpNoDelay(true);
            s.startHandshake();
            return s;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    /** The certificate the hub presented. */
    public X509Certificate serverCertificate() throws IOException {
        return (X509Certificate) ssl.getSession().getPeerCertificates()[0];
    }

    /** The negotiated protocol, e.g. TLSv1.3. */
    public String protocol() {
        return ssl.getSession().getProtocol();
    }
}
