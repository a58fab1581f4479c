package fr.crt.hub.xdm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds an {@code IHE_XDM.ZIP} (IHE ITI TF-1 §16, TF-3 §5.4.1): {@code INDEX.HTM} and {@code README.TXT} at the
 * root, one subset {@code IHE_XDM/SUBSET01/} holding {@code METADATA.XML} and the documents {@code DOC0001.XML},
 * {@code DOC0002.PDF}…, names in ISO 9660 8.3 upper case. URI, hash (SHA-1) and size of each entry are computed
 * here from the bytes, so the metadata always describes what is in the archive.
 */
public final class XdmPackageWriter {

    public static final String SUBSET = "IHE_XDM/SUBSET01/";

    private final String sender;

    /** @param sender who produced the package, written in README.TXT (application name and version) */
    public XdmPackageWriter(String sender) {
        this.sender = sender;
    }

    public byte[] write(XdmSubmissionSet ss, List<XdmDocumentEntry> documents) {
        List<XdmDocumentEntry> placed = new ArrayList<>();
        int n = 0;
        for (XdmDocumentEntry d : documents) {
            byte[] content = d.content();
            String uri = String.format(Locale.ROOT, "DOC%04d.%s", ++n, extension(d.mimeType()));
            placed.add(d.withContent(content, uri, XdmPackageReader.sha1(content).toUpperCase(Locale.ROOT), content.length));
        }
        byte[] metadata = MetadataWriter.write(ss, placed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            put(zip, "README.TXT", readme().getBytes(StandardCharsets.UTF_8));
            put(zip, "INDEX.HTM", index(placed).getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("IHE_XDM/"));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(SUBSET));
            zip.closeEntry();
            put(zip, SUBSET + "METADATA.XML", metadata);
            for (XdmDocumentEntry d : placed) put(zip, SUBSET + d.uri(), d.content());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static String extension(String mimeType) {
        if (mimeType == null) return "BIN";
        return switch (mimeType.toLowerCase(Locale.ROOT)) {
            case "text/xml", "application/xml" -> "XML";
            case "application/pdf" -> "PDF";
            case "text/plain" -> "TXT";
            case "image/jpeg" -> "JPG";
            case "image/tiff" -> "TIF";
            default -> "BIN";
        };
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private String readme() {
        return "IHE XDM - Cross-Enterprise Document Media Interchange\r\n"
                + "Sender: " + sender + "\r\n"
                + "Content: IHE_XDM/SUBSET01 (METADATA.XML and documents). Open INDEX.HTM to browse.\r\n";
    }

    private static String index(List<XdmDocumentEntry> docs) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\r\n<html><head><meta charset=\"UTF-8\"><title>IHE XDM</title></head><body>\r\n");
        sb.append("<p><a href=\"README.TXT\">README.TXT</a></p>\r\n<ul>\r\n");
        for (XdmDocumentEntry d : docs) {
            sb.append("<li><a href=\"").append(SUBSET).append(d.uri()).append("\">").append(html(d.title() == null ? d.uri() : d.title()))
                    .append("</a></li>\r\n");
        }
        return sb.append("</ul>\r\n</body></html>\r\n").toString();
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
