package fr.crt.hub.xdm;

import fr.crt.hub.support.Samples;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * XDM packages for tests, built the way a partner's software would: no public {@code IHE_XDM.ZIP} exists, so the
 * {@code SubmitObjectsRequest} of the ANS ITI-41 sample ({@code xds/DRIM-M_Validateur-XDS_ITI-41_ProvideAndRegister_KOS.xml})
 * is taken as METADATA.XML, its KOS entry re-pointed at a CDA sample of {@code cda/} (URI, mime type, hash, size,
 * type/class/format codes, patient ids), its signature entry dropped, and everything zipped by hand (not with the
 * hub's writer, so the reader is not only tested against itself).
 */
public final class XdmFixtures {

    public static final String XDS_SAMPLE = "xds/DRIM-M_Validateur-XDS_ITI-41_ProvideAndRegister_KOS.xml";
    public static final String INS_TEST_OID = "1.2.250.1.213.1.4.10";

    private XdmFixtures() {}

    /** What to put in the KOS entry of the sample. Format codes of DLU/LDL are test values, not checked against JDV_J10. */
    public record Doc(byte[] content, String mimeType, Code typeCode, Code classCode, Code formatCode, String ins,
                      String uniqueId) {}

    /** The N1 unstructured CDA with embedded PDF (CR d'examens biologiques, LOINC 11502-2). */
    public static Doc n1Cda(String ins) {
        return cda("cda/DOC_NON_STRUCTURE_CDA-R2-N1.xml", new Code("11502-2", "2.16.840.1.113883.6.1", "CR d'examens biologiques"),
                new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en Pdf/A-1"), ins);
    }

    /** The DLU EHPAD sample (Dossier de liaison d'urgence, LOINC 74207-2). */
    public static Doc dlu(String ins) {
        return cda("cda/DLU-EHPAD-DLU_2022.01.xml", new Code("74207-2", "2.16.840.1.113883.6.1", "Dossier de liaison d'urgence"),
                new Code("urn:asip:ci-sis:dlu:2022", "1.2.250.1.213.1.1.4.2.282", "DLU"), ins);
    }

    /** The liaison letter at discharge (LDL-SES, LOINC 11490-0). */
    public static Doc ldlSes(String ins) {
        return cda("cda/LDL-SES_2022.01.xml", new Code("11490-0", "2.16.840.1.113883.6.1", "Lettre de liaison à la sortie d'un établissement de soins"),
                new Code("urn:asip:ci-sis:ldl-ses:2022", "1.2.250.1.213.1.1.4.2.282", "LDL-SES"), ins);
    }

    static Doc cda(String sample, Code type, Code format, String ins) {
        return new Doc(Samples.bytes(sample), "text/xml", type, new Code("10", "1.2.250.1.213.1.1.4.1", "Compte rendu"), format,
                ins, "1.2.250.1.999.1.1.8121.4." + Math.abs(sample.hashCode()));
    }

    /** METADATA.XML: the sample's SubmitObjectsRequest re-pointed at {@code doc}. */
    public static byte[] metadata(Doc doc) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document soap = f.newDocumentBuilder().parse(new ByteArrayInputStream(Samples.bytes(XDS_SAMPLE)));
            Element sor = (Element) soap.getElementsByTagNameNS(Ebrs.LCM, "SubmitObjectsRequest").item(0);
            Document d = f.newDocumentBuilder().newDocument();
            d.appendChild(d.importNode(sor, true));
            Element root = d.getDocumentElement();
            String cx = doc.ins() + "^^^&" + INS_TEST_OID + "&ISO^NH";
            for (Element e : all(root, "ExtrinsicObject")) {
                if (e.getAttribute("id").equals("Signature01")) {
                    e.getParentNode().removeChild(e);
                    continue;
                }
                e.setAttribute("mimeType", doc.mimeType());
                setSlot(e, "URI", "DOC0001.XML");
                setSlot(e, "hash", XdmPackageReader.sha1(doc.content()).toUpperCase(Locale.ROOT));
                setSlot(e, "size", Integer.toString(doc.content().length));
                setSlot(e, "sourcePatientId", doc.ins() + "^^^&" + INS_TEST_OID + "&ISO^PI");
                for (Element c : all(e, "Classification")) {
                    switch (c.getAttribute("classificationScheme")) {
                        case Ebrs.DE_TYPE -> recode(c, doc.typeCode());
                        case Ebrs.DE_CLASS -> recode(c, doc.classCode());
                        case Ebrs.DE_FORMAT -> recode(c, doc.formatCode());
                        default -> { }
                    }
                }
                for (Element x : all(e, "ExternalIdentifier")) {
                    if (x.getAttribute("identificationScheme").equals(Ebrs.DE_PATIENT_ID)) x.setAttribute("value", cx);
                    if (x.getAttribute("identificationScheme").equals(Ebrs.DE_UNIQUE_ID)) x.setAttribute("value", doc.uniqueId());
                }
            }
            for (Element x : all(root, "ExternalIdentifier")) {
                if (x.getAttribute("identificationScheme").equals(Ebrs.SS_PATIENT_ID)) x.setAttribute("value", cx);
            }
            for (Element a : all(root, "Association")) {
                if (a.getAttribute("targetObject").equals("Signature01") || a.getAttribute("sourceObject").equals("Signature01")) {
                    a.getParentNode().removeChild(a);
                }
            }
            return MetadataWriter.serialize(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A complete IHE_XDM.ZIP for {@code doc}. */
    public static byte[] xdm(Doc doc) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("INDEX.HTM", "<html><body><a href=\"IHE_XDM/SUBSET01/DOC0001.XML\">DOC0001</a></body></html>".getBytes(StandardCharsets.UTF_8));
        entries.put("README.TXT", "Test package built from the ANS ITI-41 sample\r\n".getBytes(StandardCharsets.UTF_8));
        entries.put("IHE_XDM/SUBSET01/METADATA.XML", metadata(doc));
        entries.put("IHE_XDM/SUBSET01/DOC0001.XML", doc.content());
        return zip(entries);
    }

    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static List<Element> all(Element root, String localName) {
        NodeList nodes = root.getElementsByTagNameNS(Ebrs.RIM, localName);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) out.add((Element) nodes.item(i));
        return out;
    }

    private static void setSlot(Element owner, String name, String value) {
        for (Node n = owner.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element s && "Slot".equals(s.getLocalName()) && name.equals(s.getAttribute("name"))) {
                s.getElementsByTagNameNS(Ebrs.RIM, "Value").item(0).setTextContent(value);
                return;
            }
        }
        throw new IllegalStateException("sample has no slot " + name);
    }

    private static void recode(Element c, Code code) {
        c.setAttribute("nodeRepresentation", code.code());
        for (Element s : all(c, "Slot")) if (s.getAttribute("name").equals("codingScheme")) {
            s.getElementsByTagNameNS(Ebrs.RIM, "Value").item(0).setTextContent(code.scheme());
        }
        for (Element l : all(c, "LocalizedString")) l.setAttribute("value", code.display());
    }
}
