package fr.crt.hub.xdm;

import static fr.crt.hub.xdm.Ebrs.RIM;

import fr.crt.hub.xdm.XdmRejectedException.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads the ebRS {@code SubmitObjectsRequest} of METADATA.XML into a submission set and document entries (without
 * bytes). Classifications and external identifiers are matched by {@code classifiedObject}/{@code registryObject},
 * so they may sit inside the object or beside it, as ebRIM allows.
 */
public final class MetadataReader {

    private MetadataReader() {}

    /** Parsed metadata; {@link #documents()} carry no content yet. */
    public record Metadata(XdmSubmissionSet submissionSet, List<XdmDocumentEntry> documents, List<String> memberIds) {}

    public static Metadata read(byte[] xml) throws XdmRejectedException {
        Document doc;
        try {
            doc = SecureXml.parse(xml);
        } catch (SecureXml.UnsafeXmlException e) {
            throw new XdmRejectedException(e.doctype ? Reason.UNSAFE_XML : Reason.BAD_METADATA, "METADATA.XML: " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!"SubmitObjectsRequest".equals(root.getLocalName())) {
            throw new XdmRejectedException(Reason.BAD_METADATA, "METADATA.XML: root is not SubmitObjectsRequest");
        }
        Map<String, List<Element>> classifications = byAttribute(root, "Classification", "classifiedObject");
        Map<String, List<Element>> identifiers = byAttribute(root, "ExternalIdentifier", "registryObject");

        XdmSubmissionSet ss = null;
        for (Element p : elements(root, "RegistryPackage")) {
            String id = p.getAttribute("id");
            List<Element> cls = classifications.getOrDefault(id, List.of());
            boolean isSubmissionSet = cls.stream().anyMatch(c -> Ebrs.SUBMISSION_SET_NODE.equals(c.getAttribute("classificationNode")))
                    || identifiers.getOrDefault(id, List.of()).stream()
                    .anyMatch(e -> Ebrs.SS_UNIQUE_ID.equals(e.getAttribute("identificationScheme")));
            if (!isSubmissionSet) continue;
            List<Element> authors = scheme(cls, Ebrs.SS_AUTHOR);
            ss = new XdmSubmissionSet(id, identifier(identifiers, id, Ebrs.SS_UNIQUE_ID),
                    identifier(identifiers, id, Ebrs.SS_SOURCE_ID), identifier(identifiers, id, Ebrs.SS_PATIENT_ID),
                    slot(p, "submissionTime"), name(p), code(cls, Ebrs.SS_CONTENT_TYPE),
                    slotValues(authors, "authorPerson"), slotValues(authors, "authorInstitution"),
                    slotValues(List.of(p), "intendedRecipient"));
            break;
        }
        if (ss == null) throw new XdmRejectedException(Reason.BAD_METADATA, "METADATA.XML: no submission set");

        List<XdmDocumentEntry> docs = new ArrayList<>();
        for (Element e : elements(root, "ExtrinsicObject")) {
            String id = e.getAttribute("id");
            List<Element> cls = classifications.getOrDefault(id, List.of());
            List<Element> authors = scheme(cls, Ebrs.DE_AUTHOR);
            List<Code> confidentiality = new ArrayList<>();
            for (Element c : scheme(cls, Ebrs.DE_CONFIDENTIALITY)) confidentiality.add(code(c));
            Long size = null;
            String sizeText = slot(e, "size");
            if (sizeText != null) {
                try {
                    size = Long.parseLong(sizeText.trim());
                } catch (NumberFormatException ex) {
                    throw new XdmRejectedException(Reason.BAD_METADATA, "METADATA.XML: size of " + id + " is not a number");
                }
            }
            docs.add(new XdmDocumentEntry(id, identifier(identifiers, id, Ebrs.DE_UNIQUE_ID), e.getAttribute("mimeType"),
                    slot(e, "URI"), slot(e, "hash"), size, name(e), slot(e, "creationTime"), slot(e, "languageCode"),
                    identifier(identifiers, id, Ebrs.DE_PATIENT_ID), slot(e, "sourcePatientId"),
                    slotValues(authors, "authorPerson"), slotValues(authors, "authorInstitution"),
                    code(cls, Ebrs.DE_CLASS), code(cls, Ebrs.DE_TYPE), code(cls, Ebrs.DE_FORMAT), confidentiality,
                    code(cls, Ebrs.DE_FACILITY_TYPE), code(cls, Ebrs.DE_PRACTICE_SETTING), null));
        }
        List<String> members = new ArrayList<>();
        for (Element a : elements(root, "Association")) {
            if (Ebrs.HAS_MEMBER.equals(a.getAttribute("associationType")) && ss.entryUuid().equals(a.getAttribute("sourceObject"))) {
                members.add(a.getAttribute("targetObject"));
            }
        }
        return new Metadata(ss, docs, members);
    }

    static List<Element> elements(Element root, String localName) {
        NodeList nodes = root.getElementsByTagNameNS(RIM, localName);
        List<Element> out = new ArrayList<>(nodes.getLength());
        for (int i = 0; i < nodes.getLength(); i++) out.add((Element) nodes.item(i));
        return out;
    }

    private static Map<String, List<Element>> byAttribute(Element root, String localName, String attribute) {
        Map<String, List<Element>> out = new HashMap<>();
        for (Element e : elements(root, localName)) {
            String key = e.getAttribute(attribute);
            if (key.isEmpty() && e.getParentNode() instanceof Element parent) key = parent.getAttribute("id");
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    private static List<Element> scheme(List<Element> classifications, String scheme) {
        return classifications.stream().filter(c -> scheme.equals(c.getAttribute("classificationScheme"))).toList();
    }

    private static Code code(List<Element> classifications, String scheme) {
        List<Element> matching = scheme(classifications, scheme);
        return matching.isEmpty() ? null : code(matching.get(0));
    }

    private static Code code(Element classification) {
        return new Code(classification.getAttribute("nodeRepresentation"), slot(classification, "codingScheme"),
                name(classification));
    }

    private static String identifier(Map<String, List<Element>> identifiers, String objectId, String scheme) {
        return identifiers.getOrDefault(objectId, List.of()).stream()
                .filter(e -> scheme.equals(e.getAttribute("identificationScheme")))
                .map(e -> e.getAttribute("value")).findFirst().orElse(null);
    }

    /** First value of the object's own slot {@code name} (not of nested classifications). */
    static String slot(Element owner, String name) {
        List<String> values = ownSlotValues(owner, name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static List<String> slotValues(List<Element> owners, String name) {
        List<String> out = new ArrayList<>();
        for (Element o : owners) out.addAll(ownSlotValues(o, name));
        return out;
    }

    private static List<String> ownSlotValues(Element owner, String name) {
        List<String> out = new ArrayList<>();
        for (Node n = owner.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element slot && "Slot".equals(slot.getLocalName()) && name.equals(slot.getAttribute("name"))) {
                NodeList values = slot.getElementsByTagNameNS(RIM, "Value");
                for (int i = 0; i < values.getLength(); i++) out.add(values.item(i).getTextContent().trim());
            }
        }
        return out;
    }

    private static String name(Element owner) {
        for (Node n = owner.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Name".equals(e.getLocalName())) {
                NodeList ls = e.getElementsByTagNameNS(RIM, "LocalizedString");
                if (ls.getLength() > 0) return ((Element) ls.item(0)).getAttribute("value");
            }
        }
        return null;
    }
}
