package fr.crt.hub.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The PKI folder's layout: one PKCS#12 keystore per entity ({@code <alias>.p12}), the truststore, and the public
 * parts (CA certificates, CRLs) in PEM for tools that do not read PKCS#12. Files are written atomically (temporary
 * file then rename) so a listener reloading its keystore never reads half a file.
 */
final class PkiFolder {

    static final String ROOT_CA = "root-ca";
    static final String ORGANISATIONS_CA = "organisations-ca";
    static final String TRUSTSTORE = "truststore";
    static final String P12 = ".p12";
    static final String CRL_SUFFIX = ".crl.pem";

    private final Path dir;
    private final char[] password;

    PkiFolder(Path dir, char[] password) {
        this.dir = dir;
        this.password = password.clone();
    }

    Path dir() {
        return dir;
    }

    Path keystore(String alias) {
        return dir.resolve(alias + P12);
    }

    Path certificatePem(String alias) {
        return dir.resolve(alias + ".pem");
    }

    Path crl(String caAlias) {
        return dir.resolve(caAlias + CRL_SUFFIX);
    }

    Path truststore() {
        return keystore(TRUSTSTORE);
    }

    boolean has(String alias) {
        return Files.isRegularFile(keystore(alias));
    }

    /** Whether the folder holds any keystore at all (the trigger of the automatic first-start init). */
    static boolean hasKeystores(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(P12));
        } catch (IOException e) {
            return false;
        }
    }

    /** Aliases of the entity keystores (everything but the truststore), sorted. */
    List<String> keystoreAliases() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(P12))
                    .map(n -> n.substring(0, n.length() - P12.length()))
                    .filter(a -> !a.equals(TRUSTSTORE)).sorted().toList();
        }
    }

    void writeCredential(String alias, Credential credential) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(alias, credential.key(), password, credential.chain());
            writeAtomically(keystore(alias), store(ks));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write keystore " + alias, e);
        }
    }

    Credential readCredential(String alias) throws IOException {
        try {
            KeyStore ks = load(keystore(alias), password);
            Key key = ks.getKey(alias, password);
            Certificate[] chain = ks.getCertificateChain(alias);
            if (!(key instanceof PrivateKey pk) || chain == null) throw new IOException(alias + ": no key entry " + alias);
            return new Credential(pk, Arrays.stream(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keystore " + alias, e);
        }
    }

    void writeTruststore(List<X509Certificate> trusted, List<String> aliases) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < trusted.size(); i++) ks.setCertificateEntry(aliases.get(i), trusted.get(i));
            writeAtomically(truststore(), store(ks));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write truststore", e);
        }
    }

    void writePem(Path file, Object... objects) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(out, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object o : objects) pem.writeObject(o);
        }
        writeAtomically(file, out.toByteArray());
    }

    Optional<X509CRL> readCrl(String caAlias) throws IOException {
        Path f = crl(caAlias);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try (InputStream in = Files.newInputStream(f)) {
            return Optional.of((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + f.getFileName(), e);
        }
    }

    /** Every CRL in the folder ({@code *.crl.pem}). */
    List<X509CRL> readCrls() throws IOException {
        List<X509CRL> crls = new ArrayList<>();
        if (!Files.isDirectory(dir)) return crls;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(CRL_SUFFIX)).sorted().toList()) {
                String name = f.getFileName().toString();
                readCrl(name.substring(0, name.length() - CRL_SUFFIX.length())).ifPresent(crls::add);
            }
        }
        return crls;
    }

    static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    private byte[] store(KeyStore ks) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }

    private void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
