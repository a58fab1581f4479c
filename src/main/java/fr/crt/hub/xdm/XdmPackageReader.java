package fr.crt.hub.xdm;

import fr.crt.hub.xdm.XdmRejectedException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads an {@code IHE_XDM.ZIP} (IHE ITI TF-1 §16, TF-3 §5.4) entirely in memory: nothing is ever written to disk,
 * so a hostile entry name cannot reach the file system; still, names that would escape a folder are refused so the
 * package is never half-trusted. Decompression stops as soon as a cap of {@link XdmLimits} is passed (the sizes
 * declared in the zip headers are not believed).
 */
public final class XdmPackageReader {

    private static final Pattern METADATA = Pattern.compile("IHE_XDM/([^/]+)/METADATA\\.XML", Pattern.CASE_INSENSITIVE);
    private static final int RATIO_FLOOR_BYTES = 64 * 1024;

    private final XdmLimits limits;

    public XdmPackageReader(XdmLimits limits) {
        this.limits = limits;
    }

    public XdmPackageReader() {
        this(XdmLimits.DEFAULT);
    }

    public XdmPackage read(byte[] zip) throws XdmRejectedException {
        Map<String, byte[]> entries = unzip(zip);
        String subset = null;
        byte[] metadataXml = null;
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            Matcher m = METADATA.matcher(e.getKey());
            if (m.matches()) {
                if (subset == null) {
                    subset = e.getKey().substring(0, e.getKey().length() - "METADATA.XML".length());
                    metadataXml = e.getValue();
                } else {
                    warnings.add("more than one subset: only " + subset + " read");
                }
            }
        }
        if (metadataXml == null) throw new XdmRejectedException(Reason.NO_METADATA, "no IHE_XDM/SUBSETnn/METADATA.XML in the archive");
        if (find(entries, "INDEX.HTM") == null) warnings.add("INDEX.HTM missing");
        if (find(entries, "README.TXT") == null) warnings.add("README.TXT missing");

        MetadataReader.Metadata md = MetadataReader.read(metadataXml);
        List<XdmDocumentEntry> docs = new ArrayList<>();
        for (XdmDocumentEntry d : md.documents()) {
            String uri = d.uri();
            if (uri == null || uri.isBlank()) throw new XdmRejectedException(Reason.BAD_METADATA, "document " + d.entryUuid() + " has no URI");
            if (!safeRelative(uri)) throw new XdmRejectedException(Reason.UNSAFE_ENTRY_NAME, "document URI leaves its subset folder");
            byte[] content = find(entries, subset + uri);
            if (content == null) throw new XdmRejectedException(Reason.MISSING_DOCUMENT, "document " + uri + " not in the archive");
            if (d.size() != null && d.size() != content.length) {
                throw new XdmRejectedException(Reason.SIZE_MISMATCH, "document " + uri + ": size differs from metadata");
            }
            String sha1 = sha1(content);
            if (d.hash() != null && !d.hash().equalsIgnoreCase(sha1)) {
                throw new XdmRejectedException(Reason.HASH_MISMATCH, "document " + uri + ": SHA-1 differs from metadata");
            }
            docs.add(d.withContent(content, uri, sha1, content.length));
        }
        return new XdmPackage(subset, md.submissionSet(), docs, warnings);
    }

    /** Entry name (as stored) to bytes; folders are skipped. Every cap and name rule is applied here. */
    Map<String, byte[]> unzip(byte[] zip) throws XdmRejectedException {
        if (zip.length < 4 || zip[0] != 'P' || zip[1] != 'K') throw new XdmRejectedException(Reason.NOT_A_ZIP, "not a zip archive");
        long allowedTotal = Math.min(limits.maxTotalBytes(), (long) limits.maxRatio() * Math.max(zip.length, RATIO_FLOOR_BYTES));
        Map<String, byte[]> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        long total = 0;
        int count = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            byte[] buffer = new byte[16 * 1024];
            while ((entry = in.getNextEntry()) != null) {
                if (++count > limits.maxEntries()) {
                    throw new XdmRejectedException(Reason.TOO_MANY_ENTRIES, "more than " + limits.maxEntries() + " entries");
                }
                String name = entry.getName();
                checkName(name);
                if (entry.isDirectory()) continue;
                if (out.containsKey(name)) throw new XdmRejectedException(Reason.UNSAFE_ENTRY_NAME, "entry name appears twice: " + printable(name));
                // sized from the local header when it tells, a claim trusted no further than the caps and twice the
                // archive: a 1 MB document read into a growing buffer allocated four times its size
                long declared = entry.getSize();
                long room = Math.min(Math.min(limits.maxEntryBytes(), allowedTotal - total), 2L * zip.length + 64 * 1024);
                fr.crt.hub.store.SizedBuffer content = new fr.crt.hub.store.SizedBuffer(
                        (int) Math.max(1024, Math.min(declared >= 0 ? declared : 16 * 1024, Math.min(room, Integer.MAX_VALUE - 8))));
                long entrySize = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    entrySize += n;
                    total += n;
                    if (entrySize > limits.maxEntryBytes()) {
                        throw new XdmRejectedException(Reason.TOO_LARGE, "entry larger than " + limits.maxEntryBytes() + " bytes once decompressed");
                    }
                    if (total > allowedTotal) {
                        boolean ratio = allowedTotal < limits.maxTotalBytes();
                        throw new XdmRejectedException(ratio ? Reason.COMPRESSION_RATIO : Reason.TOO_LARGE, ratio
                                ? "decompressed size exceeds " + limits.maxRatio() + " times the archive size"
                                : "archive larger than " + limits.maxTotalBytes() + " bytes once decompressed");
                    }
                    content.write(buffer, 0, n);
                }
                byte[] bytes = content.bytes();
                if (isArchive(name, bytes)) throw new XdmRejectedException(Reason.NESTED_ARCHIVE, "nested archive refused: " + printable(name));
                out.put(name, bytes);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new XdmRejectedException(Reason.NOT_A_ZIP, "damaged zip archive", e);
        }
        if (count == 0) throw new XdmRejectedException(Reason.NOT_A_ZIP, "empty or damaged zip archive");
        return out;
    }

    /** Refuses names that are absolute, climb out (..), use backslashes or drive letters, or carry control characters. */
    static void checkName(String name) throws XdmRejectedException {
        if (name.isEmpty() || name.length() > 255) throw unsafe(name);
        if (name.startsWith("/") || name.contains("\\") || name.contains(":")) throw unsafe(name);
        for (String part : name.split("/")) {
            if (part.equals("..") || part.equals(".")) throw unsafe(name);
        }
        for (char c : name.toCharArray()) {
            if (c < 0x20 || c == 0x7f) throw unsafe(name);
        }
    }

    private static XdmRejectedException unsafe(String name) {
        return new XdmRejectedException(Reason.UNSAFE_ENTRY_NAME, "unsafe entry name refused: " + printable(name));
    }

    static boolean safeRelative(String uri) {
        try {
            checkName(uri);
            return !uri.contains("/");
        } catch (XdmRejectedException e) {
            return false;
        }
    }

    private static boolean isArchive(String name, byte[] bytes) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".zip") || lower.endsWith(".jar") || lower.endsWith(".gz") || lower.endsWith(".7z")
                || lower.endsWith(".rar") || lower.endsWith(".tar")) return true;
        boolean zipMagic = bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        boolean gzipMagic = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        return zipMagic || gzipMagic;
    }

    private static byte[] find(Map<String, byte[]> entries, String name) {
        return entries.get(name);
    }

    /** Entry names in messages: printable ASCII only, at most 80 characters. */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (sb.length() >= 80) break;
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    public static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
