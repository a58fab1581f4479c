package fr.crt.hub.pki;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * HTTPS on {@code hub.https.port} (default 8443) beside HTTP on {@code server.port}; with {@code hub.http.enabled=false}
 * the only connector is the HTTPS one. Server certificate {@code hub-server.p12}, TLS 1.2/1.3 and the suites of
 * {@link TlsProperties}. Client certificates are asked for but optional (browsers of the console have none); one
 * that is presented must chain to the truststore and not be in the organisations CRL, else the handshake fails.
 * Keystore, truststore and CRL are re-read by Tomcat when their files change (checked every
 * {@code hub.https.reload-interval}, default 5 s).
 */
@Component
public class HttpsConfig implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(HttpsConfig.class);

    private final PkiProperties pki;
    private final TlsProperties tls;
    private final boolean httpsEnabled;
    private final boolean httpEnabled;
    private final int httpsPort;
    private final List<AbstractHttp11Protocol<?>> protocols = new ArrayList<>();
    private volatile FileFingerprint seen;

    /** @param bootstrap only there so the development PKI exists before Tomcat reads it */
    public HttpsConfig(PkiProperties pki, TlsProperties tls, DevPkiBootstrap bootstrap,
                       @Value("${hub.https.enabled:true}") boolean httpsEnabled,
                       @Value("${hub.http.enabled:true}") boolean httpEnabled,
                       @Value("${hub.https.port:8443}") int httpsPort) {
        this.pki = pki;
        this.tls = tls;
        this.httpsEnabled = httpsEnabled;
        this.httpEnabled = httpEnabled;
        this.httpsPort = httpsPort;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after Spring Boot's own customizer has applied server.port
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        if (!httpsEnabled) return;
        if (httpEnabled) {
            Connector https = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            https.setPort(httpsPort);
            configure(https);
            factory.addAdditionalTomcatConnectors(https);
        } else {
            factory.setPort(httpsPort);
            factory.addConnectorCustomizers(this::configure);
        }
        seen = fingerprint();
    }

    private void configure(Connector connector) {
        connector.setScheme("https");
        connector.setSecure(true);
        AbstractHttp11Protocol<?> protocol = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
        protocol.setSSLEnabled(true);
        Path dir = pki.dir().toAbsolutePath();
        SSLHostConfig host = new SSLHostConfig();
        host.setProtocols(String.join(",", tls.protocols()));
        host.setCiphers(String.join(",", tls.cipherSuites()));
        host.setCertificateVerification("optional");
        host.setTruststoreFile(dir.resolve(PkiFolder.TRUSTSTORE + PkiFolder.P12).toString());
        host.setTruststorePassword(pki.password());
        host.setTruststoreType("PKCS12");
        host.setCertificateRevocationListFile(dir.resolve(PkiFolder.ORGANISATIONS_CA + PkiFolder.CRL_SUFFIX).toString());
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        cert.setCertificateKeystoreFile(dir.resolve(MllpTlsConfig.SERVER_ALIAS + PkiFolder.P12).toString());
        cert.setCertificateKeystorePassword(pki.password());
        cert.setCertificateKeystoreType("PKCS12");
        cert.setCertificateKeyAlias(MllpTlsConfig.SERVER_ALIAS);
        host.addCertificate(cert);
        protocol.addSslHostConfig(host);
        protocols.add(protocol);
    }

    private FileFingerprint fingerprint() {
        Path dir = pki.dir();
        return FileFingerprint.of(List.of(dir.resolve(MllpTlsConfig.SERVER_ALIAS + PkiFolder.P12),
                dir.resolve(PkiFolder.TRUSTSTORE + PkiFolder.P12),
                dir.resolve(PkiFolder.ORGANISATIONS_CA + PkiFolder.CRL_SUFFIX)));
    }

    /** Tomcat reads its TLS files at start only: reload them when one changed. */
    @Scheduled(fixedDelayString = "${hub.https.reload-interval:5s}")
    public void reloadIfChanged() {
        if (protocols.isEmpty()) return;
        FileFingerprint now = fingerprint();
        if (now.equals(seen)) return;
        seen = now;
        for (AbstractHttp11Protocol<?> p : protocols) {
            try {
                p.reloadSslHostConfigs();
                log.info("HTTPS keystore, truststore or CRL changed: reloaded");
            } catch (RuntimeException e) {
                log.error("HTTPS TLS files could not be reloaded ({}); previous ones kept", e.getMessage());
            }
        }
    }
}
