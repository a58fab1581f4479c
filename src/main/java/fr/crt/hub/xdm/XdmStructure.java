package fr.crt.hub.xdm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The XDM structure rules a package must keep (IHE ITI TF-1 §16.1, TF-3 §5.4.1-5.4.3), checked on the bytes:
 * used on every package the hub writes (tests) and available for received ones. Returns the rules broken, empty
 * when the package conforms.
 */
public final class XdmStructure {

    private static final Pattern NAME_8_3 = Pattern.compile("[A-Z0-9_]{1,8}(\\.[A-Z0-9_]{1,3})?");

    private XdmStructure() {}

    public static List<String> violations(byte[] zip) {
        List<String> out = new ArrayList<>();
        XdmPackageReader reader = new XdmPackageReader();
        Map<String, byte[]> entries;
        try {
            entries = reader.unzip(zip);
        } catch (XdmRejectedException e) {
            out.add(e.reason() + ": " + e.getMessage());
            return out;
        }
        if (!entries.containsKey("INDEX.HTM")) out.add("INDEX.HTM missing at the root");
        if (!entries.containsKey("README.TXT")) out.add("README.TXT missing at the root");
        for (String name : entries.keySet()) {
            for (String part : name.split("/")) {
                if (!NAME_8_3.matcher(part).matches()) out.add("name not ISO 9660 8.3 upper case: " + name);
            }
            if (!name.equals("INDEX.HTM") && !name.equals("README.TXT") && !name.startsWith("IHE_XDM/")) {
                out.add("file outside IHE_XDM/: " + name);
            }
        }
        XdmPackage pkg;
        try {
            pkg = reader.read(zip);
        } catch (XdmRejectedException e) {
            out.add(e.reason() + ": " + e.getMessage());
            return out;
        }
        XdmSubmissionSet ss = pkg.submissionSet();
        require(out, ss.uniqueId(), "submission set uniqueId");
        require(out, ss.sourceId(), "submission set sourceId");
        require(out, ss.patientId(), "submission set patientId");
        require(out, ss.submissionTime(), "submission set submissionTime");
        if (ss.contentTypeCode() == null) out.add("submission set contentTypeCode missing");
        if (pkg.documents().isEmpty()) out.add("no document entry");
        for (XdmDocumentEntry d : pkg.documents()) {
            String w = "document " + d.uri() + ": ";
            require(out, d.uniqueId(), w + "uniqueId");
            require(out, d.patientId(), w + "patientId");
            require(out, d.creationTime(), w + "creationTime");
            require(out, d.mimeType(), w + "mimeType");
            require(out, d.hash(), w + "hash");
            if (d.size() == null) out.add(w + "size missing");
            if (d.classCode() == null) out.add(w + "classCode missing");
            if (d.typeCode() == null) out.add(w + "typeCode missing");
            if (d.formatCode() == null) out.add(w + "formatCode missing");
            if (d.confidentialityCodes().isEmpty()) out.add(w + "confidentialityCode missing");
            if (d.patientId() != null && !d.patientId().equals(ss.patientId())) out.add(w + "patientId differs from the submission set");
        }
        try {
            List<String> members = MetadataReader.read(entries.get(pkg.subsetPath() + "METADATA.XML")).memberIds();
            for (XdmDocumentEntry d : pkg.documents()) {
                if (!members.contains(d.entryUuid())) out.add("document " + d.uri() + " not a HasMember of the submission set");
            }
        } catch (XdmRejectedException e) {
            out.add(e.getMessage());
        }
        out.addAll(pkg.warnings());
        return out;
    }

    private static void require(List<String> out, String value, String what) {
        if (value == null || value.isBlank()) out.add(what + " missing");
    }
}
