package fr.crt.hub.pki;

import java.nio.file.Path;
import javax.net.ssl.KeyManager;
import org.apache.camel.support.jsse.CipherSuitesParameters;
import org.apache.camel.support.jsse.ClientAuthentication;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * TLS of the MLLP listener {@code routes/dui-adt-inbound.yaml, route dui-adt-inbound-tls} ({@code sslContextParameters: "#hubMllpTls"}):
 * the hub's server certificate ({@code hub-server.p12}), client certificates required and checked against the
 * truststore and CRLs of the PKI folder, both reloaded when their files change.
 */
@Configuration
public class MllpTlsConfig {

    public static final String SERVER_ALIAS = EntityProfile.HUB_SERVER;

    /** @param bootstrap only there so the development PKI exists before its files are read */
    @Bean
    public SSLContextParameters hubMllpTls(PkiProperties pki, TlsProperties tls, DevPkiBootstrap bootstrap) {
        return serverContext(pki.dir(), pki.password().toCharArray(), tls);
    }

    static SSLContextParameters serverContext(Path dir, char[] password, TlsProperties tls) {
        ReloadingKeyManager keyManager = new ReloadingKeyManager(dir.resolve(SERVER_ALIAS + PkiFolder.P12), password);
        KeyManagersParameters keys = new KeyManagersParameters() {
            @Override
            public KeyManager[] createKeyManagers() {
                return new KeyManager[] {keyManager};
            }
        };
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(new RevocationCheckingTrustManager(dir, password));

        SSLContextParameters p = new SSLContextParameters();
        p.setSecureSocketProtocol("TLS");
        p.setKeyManagers(keys);
        p.setTrustManagers(trust);
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(tls.protocols());
        p.setSecureSocketProtocols(protocols);
        CipherSuitesParameters suites = new CipherSuitesParameters();
        suites.setCipherSuite(tls.cipherSuites());
        p.setCipherSuites(suites);
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(ClientAuthentication.REQUIRE.name());
        p.setServerParameters(server);
        return p;
    }
}
