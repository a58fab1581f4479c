package fr.crt.hub.insi;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import fr.crt.hub.support.InsiWireMock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The request the client actually sends (captured by WireMock) is SOAP 1.2 and each header block and the body
 * validate against the CNAM schemas kept in {@code src/main/resources/insi/wsdl} (WS-Addressing: the W3C schema
 * shipped in cxf-core): ContexteBAM, ContexteLPS, wsa:Action, wsa:MessageID, RECSANSVITALE / RECVITALE.
 */
class InsiRequestMatchesSchemasTest {

    static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    static Schema schema;
    static CxfInsiClient client;

    @BeforeAll
    static void setUp() throws Exception {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        List<Source> sources = new ArrayList<>();
        for (String xsd : List.of("/insi/wsdl/xsd/CTX/ROOT_ctxbam_CTXBAM_V01_02.xsd",
                "/insi/wsdl/xsd/CTX/ROOT_ctxlps_CTXLPS_V01_00.xsd",
                "/insi/wsdl/xsd/ServiceIdentiteCertifiee/INSi_RECSANS_INS.xsd",
                "/insi/wsdl/xsd/ServiceIdentiteCertifiee/INSi_RECVITALE_INS.xsd",
                "/schemas/wsdl/ws-addr.xsd")) {
            URL url = InsiRequestMatchesSchemasTest.class.getResource(xsd);
            assertThat(url).as(xsd).isNotNull();
            sources.add(new StreamSource(url.openStream(), url.toExternalForm()));
        }
        schema = f.newSchema(sources.toArray(Source[]::new));
        client = InsiTestClients.client(InsiTestClients.endpoint(1, 5, 0, 5000), new SimpleMeterRegistry());
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    @BeforeEach
    void answer() {
        InsiWireMock.reset();
        InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml");
    }

    private static Document parse(byte[] body) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return dbf.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) if (n instanceof Element e) out.add(e);
        return out;
    }

    private static Element child(Element parent, String ns, String name) {
        return children(parent).stream().filter(e -> ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + parent.getLocalName()));
    }

    /** Validates every header block and the body content; returns the envelope. */
    private static Element validEnvelope(LoggedRequest request) throws Exception {
        assertThat(request.getHeader("Content-Type")).startsWith("application/soap+xml");
        Document doc = parse(request.getBody());
        Element envelope = doc.getDocumentElement();
        assertThat(envelope.getNamespaceURI()).isEqualTo(SOAP12);
        assertThat(envelope.getLocalName()).isEqualTo("Envelope");
        Element header = child(envelope, SOAP12, "Header");
        Element body = child(envelope, SOAP12, "Body");
        for (Element block : children(header)) schema.newValidator().validate(new DOMSource(block));
        assertThat(children(body)).hasSize(1);
        schema.newValidator().validate(new DOMSource(children(body).get(0)));
        return envelope;
    }

    @Test
    void traitsRequestHasTheInsiHeadersAndValidates() throws Exception {
        InsiAnswer a = client.searchByTraits(new InsiTraits("D'AEION", List.of("COEUR", "MARIE"), "M", "1987-01-25", "63220"));
        assertThat(InsiWireMock.requests()).hasSize(1);
        LoggedRequest request = InsiWireMock.requests().get(0);
        assertThat(request.getHeader("Content-Type")).contains("action=\"" + CxfInsiClient.ACTION_TRAITS + "\"");
        Element envelope = validEnvelope(request);
        Element header = child(envelope, SOAP12, "Header");
        assertThat(children(header)).extracting(Element::getLocalName)
                .containsExactlyInAnyOrder("ContexteBAM", "ContexteLPS", "Action", "MessageID");

        Element bam = child(header, "urn:siram:bam:ctxbam", "ContexteBAM");
        assertThat(bam.getAttribute("Version")).isEqualTo("01_02");
        assertThat(child(bam, "urn:siram:bam:ctxbam", "Emetteur").getTextContent()).isEqualTo("1999999999");
        Element lps = child(header, "urn:siram:lps:ctxlps", "ContexteLPS");
        assertThat(lps.getAttribute("Nature")).isEqualTo("CTXLPS");
        assertThat(lps.getAttribute("Version")).isEqualTo("01_00");
        Element idam = child(child(lps, "urn:siram:lps:ctxlps", "LPS"), "urn:siram:lps:ctxlps", "IDAM");
        assertThat(idam.getAttribute("R")).isEqualTo("4");
        assertThat(child(header, CxfInsiClient.WSA, "Action").getTextContent()).isEqualTo(CxfInsiClient.ACTION_TRAITS);
        assertThat(child(header, CxfInsiClient.WSA, "MessageID").getTextContent()).isEqualTo(a.messageId());
        // ids of the two contexts are fresh UUIDs, distinct from the MessageID
        String bamId = child(bam, "urn:siram:bam:ctxbam", "Id").getTextContent();
        String lpsId = child(lps, "urn:siram:lps:ctxlps", "Id").getTextContent();
        assertThat(List.of(bamId, lpsId)).doesNotHaveDuplicates().allMatch(id -> id.matches("[0-9a-f-]{36}"));

        Element rec = children(child(envelope, SOAP12, "Body")).get(0);
        assertThat(rec.getNamespaceURI()).isEqualTo("http://www.cnamts.fr/INSiRecSans");
        assertThat(rec.getLocalName()).isEqualTo("RECSANSVITALE");
        assertThat(children(rec)).extracting(Element::getLocalName)
                .containsExactly("NomNaissance", "Prenom", "Sexe", "DateNaissance", "LieuNaissance");
        assertThat(child(rec, rec.getNamespaceURI(), "NomNaissance").getTextContent()).isEqualTo("D'AEION");
        assertThat(child(rec, rec.getNamespaceURI(), "Prenom").getTextContent()).isEqualTo("COEUR");
    }

    @Test
    void birthPlaceIsLeftOutWhenUnknown() throws Exception {
        client.searchByTraits(InsiTestClients.ECETINSI);
        Element rec = children(child(validEnvelope(InsiWireMock.requests().get(0)), SOAP12, "Body")).get(0);
        assertThat(children(rec)).extracting(Element::getLocalName)
                .containsExactly("NomNaissance", "Prenom", "Sexe", "DateNaissance");
    }

    @Test
    void carteVitaleRequestShapeValidates() throws Exception {
        InsiAnswer a = client.searchByCarteVitale(new InsiVitaleQuery(null, null, "1090763220834", "89", "ECETINSI",
                "2009-07-14", "1"));
        assertThat(a.code()).isEqualTo("01");
        LoggedRequest request = InsiWireMock.requests().get(0);
        assertThat(request.getHeader("Content-Type")).contains("action=\"" + CxfInsiClient.ACTION_VITALE + "\"");
        Element envelope = validEnvelope(request);
        assertThat(child(child(envelope, SOAP12, "Header"), CxfInsiClient.WSA, "Action").getTextContent())
                .isEqualTo(CxfInsiClient.ACTION_VITALE);
        Element rec = children(child(envelope, SOAP12, "Body")).get(0);
        assertThat(rec.getLocalName()).isEqualTo("RECVITALE");
        assertThat(children(rec)).extracting(Element::getLocalName)
                .containsExactly("MatriculeOD", "NomNaissance", "DateNaissance", "RangNaissance");
    }

    /** INSI-AUTO (certificate mode): no wsse:Security header; the schema would require a SAML assertion in it. */
    @Test
    void noSecurityHeaderInCertificateMode() throws Exception {
        client.searchByTraits(InsiTestClients.ECETINSI);
        Element header = child(parse(InsiWireMock.requests().get(0).getBody()).getDocumentElement(), SOAP12, "Header");
        assertThat(children(header)).noneMatch(e -> e.getLocalName().equals("Security"));
    }
}
