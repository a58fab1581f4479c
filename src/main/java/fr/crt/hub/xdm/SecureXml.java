package fr.crt.hub.xdm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/**
 * XML parsing for documents that come from outside (METADATA.XML of a mail attachment): no DOCTYPE at all, so no
 * external entity, no entity expansion bomb, no remote schema or stylesheet fetched (OWASP XXE prevention).
 */
public final class SecureXml {

    private SecureXml() {}

    /** Thrown when the XML declares a DOCTYPE or cannot be parsed. */
    public static final class UnsafeXmlException extends Exception {
        public final boolean doctype;

        UnsafeXmlException(String message, boolean doctype, Throwable cause) {
            super(message, cause);
            this.doctype = doctype;
        }
    }

    public static Document parse(byte[] xml) throws UnsafeXmlException {
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity refused");
            });
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            String m = String.valueOf(e.getMessage());
            boolean doctype = m.contains("DOCTYPE") || m.contains("external entity");
            throw new UnsafeXmlException(doctype ? "DOCTYPE or external entity refused" : "not well-formed XML", doctype, e);
        } catch (IOException | ParserConfigurationException e) {
            throw new UnsafeXmlException("XML cannot be read", false, e);
        }
    }

    /**
     * One configured factory per thread: {@code DocumentBuilderFactory.newInstance()} looks its provider up through the
     * ServiceLoader, scanning every jar of the hub at each call (4 % of mail processing in a profile), and a factory is
     * not guaranteed thread-safe. Builders are still new for every document.
     */
    private static final ThreadLocal<DocumentBuilderFactory> FACTORY = ThreadLocal.withInitial(() -> {
        try {
            return newFactory();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    });

    static DocumentBuilderFactory factory() throws ParserConfigurationException {
        try {
            return FACTORY.get();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof ParserConfigurationException p) throw p;
            throw e;
        }
    }

    private static DocumentBuilderFactory newFactory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f;
    }

    /** An empty namespace-aware document to build XML in (writer side). */
    public static Document newDocument() {
        try {
            return factory().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
