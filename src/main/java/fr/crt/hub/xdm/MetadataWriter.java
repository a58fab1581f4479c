package fr.crt.hub.xdm;

import static fr.crt.hub.xdm.Ebrs.LCM;
import static fr.crt.hub.xdm.Ebrs.RIM;

import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Writes a submission set and its document entries as an ebRS 3.0 {@code SubmitObjectsRequest} (METADATA.XML). */
public final class MetadataWriter {

    private MetadataWriter() {}

    public static byte[] write(XdmSubmissionSet ss, List<XdmDocumentEntry> docs) {
        Document d = SecureXml.newDocument();
        Element root = d.createElementNS(LCM, "lcm:SubmitObjectsRequest");
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:rim", RIM);
        d.appendChild(root);
        Element list = rim(d, root, "RegistryObjectList");

        Element pkg = rim(d, list, "RegistryPackage");
        pkg.setAttribute("id", ss.entryUuid());
        pkg.setAttribute("objectType", "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage");
        slot(d, pkg, "submissionTime", ss.submissionTime());
        if (ss.intendedRecipients() != null) slot(d, pkg, "intendedRecipient", ss.intendedRecipients().toArray(String[]::new));
        name(d, pkg, ss.title());
        author(d, pkg, Ebrs.SS_AUTHOR, ss.entryUuid(), "cl-ss-author", ss.authorPersons(), ss.authorInstitutions());
        code(d, pkg, Ebrs.SS_CONTENT_TYPE, ss.entryUuid(), "cl-ss-content", ss.contentTypeCode());
        Element node = rim(d, pkg, "Classification");
        node.setAttribute("id", "cl-ss-node");
        node.setAttribute("classificationNode", Ebrs.SUBMISSION_SET_NODE);
        node.setAttribute("classifiedObject", ss.entryUuid());
        identifier(d, pkg, Ebrs.SS_PATIENT_ID, ss.entryUuid(), "ei-ss-patient", ss.patientId(), "XDSSubmissionSet.patientId");
        identifier(d, pkg, Ebrs.SS_SOURCE_ID, ss.entryUuid(), "ei-ss-source", ss.sourceId(), "XDSSubmissionSet.sourceId");
        identifier(d, pkg, Ebrs.SS_UNIQUE_ID, ss.entryUuid(), "ei-ss-unique", ss.uniqueId(), "XDSSubmissionSet.uniqueId");

        int n = 0;
        for (XdmDocumentEntry e : docs) {
            n++;
            Element eo = rim(d, list, "ExtrinsicObject");
            eo.setAttribute("id", e.entryUuid());
            eo.setAttribute("mimeType", e.mimeType());
            eo.setAttribute("objectType", Ebrs.DOCUMENT_ENTRY_STABLE);
            slot(d, eo, "URI", e.uri());
            slot(d, eo, "hash", e.hash());
            if (e.size() != null) slot(d, eo, "size", Long.toString(e.size()));
            slot(d, eo, "creationTime", e.creationTime());
            slot(d, eo, "languageCode", e.languageCode());
            slot(d, eo, "sourcePatientId", e.sourcePatientId());
            name(d, eo, e.title());
            author(d, eo, Ebrs.DE_AUTHOR, e.entryUuid(), "cl-" + n + "-author", e.authorPersons(), e.authorInstitutions());
            code(d, eo, Ebrs.DE_CLASS, e.entryUuid(), "cl-" + n + "-class", e.classCode());
            int c = 0;
            for (Code conf : e.confidentialityCodes()) code(d, eo, Ebrs.DE_CONFIDENTIALITY, e.entryUuid(), "cl-" + n + "-conf" + (++c), conf);
            code(d, eo, Ebrs.DE_FORMAT, e.entryUuid(), "cl-" + n + "-format", e.formatCode());
            code(d, eo, Ebrs.DE_FACILITY_TYPE, e.entryUuid(), "cl-" + n + "-facility", e.healthcareFacilityTypeCode());
            code(d, eo, Ebrs.DE_PRACTICE_SETTING, e.entryUuid(), "cl-" + n + "-practice", e.practiceSettingCode());
            code(d, eo, Ebrs.DE_TYPE, e.entryUuid(), "cl-" + n + "-type", e.typeCode());
            identifier(d, eo, Ebrs.DE_PATIENT_ID, e.entryUuid(), "ei-" + n + "-patient", e.patientId(), "XDSDocumentEntry.patientId");
            identifier(d, eo, Ebrs.DE_UNIQUE_ID, e.entryUuid(), "ei-" + n + "-unique", e.uniqueId(), "XDSDocumentEntry.uniqueId");

            Element a = rim(d, list, "Association");
            a.setAttribute("id", "as-" + n);
            a.setAttribute("associationType", Ebrs.HAS_MEMBER);
            a.setAttribute("sourceObject", ss.entryUuid());
            a.setAttribute("targetObject", e.entryUuid());
            slot(d, a, "SubmissionSetStatus", "Original");
        }
        return serialize(d);
    }

    private static Element rim(Document d, Element parent, String name) {
        Element e = d.createElementNS(RIM, "rim:" + name);
        parent.appendChild(e);
        return e;
    }

    private static void slot(Document d, Element owner, String name, String... values) {
        if (values == null || values.length == 0 || values[0] == null) return;
        Element slot = rim(d, owner, "Slot");
        slot.setAttribute("name", name);
        Element list = rim(d, slot, "ValueList");
        for (String v : values) rim(d, list, "Value").setTextContent(v);
    }

    private static void name(Document d, Element owner, String value) {
        if (value == null) return;
        Element ls = rim(d, rim(d, owner, "Name"), "LocalizedString");
        ls.setAttribute("value", value);
        ls.setAttribute("charset", "UTF-8");
        ls.setAttributeNS(XMLConstants.XML_NS_URI, "xml:lang", "fr-FR");
    }

    private static void author(Document d, Element owner, String scheme, String objectId, String id, List<String> persons,
                               List<String> institutions) {
        if ((persons == null || persons.isEmpty()) && (institutions == null || institutions.isEmpty())) return;
        Element c = rim(d, owner, "Classification");
        c.setAttribute("id", id);
        c.setAttribute("classificationScheme", scheme);
        c.setAttribute("classifiedObject", objectId);
        c.setAttribute("nodeRepresentation", "");
        if (persons != null && !persons.isEmpty()) slot(d, c, "authorPerson", persons.toArray(String[]::new));
        if (institutions != null && !institutions.isEmpty()) slot(d, c, "authorInstitution", institutions.toArray(String[]::new));
    }

    private static void code(Document d, Element owner, String scheme, String objectId, String id, Code code) {
        if (code == null) return;
        Element c = rim(d, owner, "Classification");
        c.setAttribute("id", id);
        c.setAttribute("classificationScheme", scheme);
        c.setAttribute("classifiedObject", objectId);
        c.setAttribute("nodeRepresentation", code.code());
        slot(d, c, "codingScheme", code.scheme());
        name(d, c, code.display());
    }

    private static void identifier(Document d, Element owner, String scheme, String objectId, String id, String value,
                                   String label) {
        if (value == null) return;
        Element e = rim(d, owner, "ExternalIdentifier");
        e.setAttribute("id", id);
        e.setAttribute("identificationScheme", scheme);
        e.setAttribute("registryObject", objectId);
        e.setAttribute("value", value);
        name(d, e, label);
    }

    static byte[] serialize(Document d) {
        try {
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Transformer t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            t.transform(new DOMSource(d), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
