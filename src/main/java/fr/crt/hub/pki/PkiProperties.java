package fr.crt.hub.pki;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the hub's certificates live and how they are watched.
 *
 * @param dir       PKI folder: PKCS#12 keystores, truststore, CA certificates and CRLs in PEM (default {@code certs})
 * @param autoInit  build the development PKI on start when the folder holds no keystore (default true; false in
 *                  the {@code prod} profile, where certificates come from IGC-Santé)
 * @param password  password of every keystore in the folder (default {@code changeit}, development only)
 * @param warnDays  a certificate closer than this to its end makes the "certificates" health WARN (default 30)
 */
@ConfigurationProperties("hub.pki")
public record PkiProperties(Path dir, Boolean autoInit, String password, Integer warnDays) {
    public static final String DEFAULT_PASSWORD = "changeit";

    public PkiProperties {
        if (dir == null) dir = Path.of("certs");
        if (autoInit == null) autoInit = true;
        if (password == null || password.isEmpty()) password = DEFAULT_PASSWORD;
        if (warnDays == null) warnDays = 30;
    }
}
