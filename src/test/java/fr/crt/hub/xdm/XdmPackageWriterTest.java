package fr.crt.hub.xdm;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A package written by the hub is read back identical and keeps the XDM structure rules. */
class XdmPackageWriterTest {

    static final String CX = "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH";

    static XdmSubmissionSet submissionSet() {
        return new XdmSubmissionSet("urn:uuid:0b1c5d2e-1111-4a4a-9c9c-000000000001", "1.2.250.1.999.2.1.1", "1.2.250.1.999.2",
                CX, "20261125120000", "Envoi CRT", new Code("04", "1.2.250.1.213.2.2", "Hospitalisation de jour"),
                List.of("^CRT^Hub^^^^^^&1.2.250.1.71.4.2.1&ISO"), List.of("CRT Hub^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1999999999"),
                List.of("|dr.martin@test.mssante.fr^^Internet^dr.martin@test.mssante.fr"));
    }

    static XdmDocumentEntry entry(byte[] content, String mime) {
        return new XdmDocumentEntry("urn:uuid:0b1c5d2e-1111-4a4a-9c9c-000000000002", "1.2.250.1.999.2.1.2", mime, null, null, null,
                "Lettre de liaison", "20191203123000", "fr-FR", CX, "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^PI",
                List.of("^CRT^Hub"), List.of(), new Code("11", "1.2.250.1.213.1.1.4.1", "Compte rendu"),
                new Code("11490-0", "2.16.840.1.113883.6.1", "Lettre de liaison à la sortie"),
                new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "PDF"),
                List.of(new Code("N", "2.16.840.1.113883.5.25", "Normal")), null, null, content);
    }

    @Test
    void writtenPackageReadsBackAndKeepsTheStructureRules() throws Exception {
        byte[] cda = Samples.bytes("cda/LDL-SES_2022.01.xml");
        byte[] pdf = "%PDF-1.4 test".getBytes();
        XdmDocumentEntry second = new XdmDocumentEntry("urn:uuid:0b1c5d2e-1111-4a4a-9c9c-000000000003", "1.2.250.1.999.2.1.3",
                "application/pdf", null, null, null, "Copie PDF", "20191203123000", "fr-FR", CX, null, List.of(), List.of(),
                new Code("11", "1.2.250.1.213.1.1.4.1", null), new Code("11490-0", "2.16.840.1.113883.6.1", null),
                new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", null),
                List.of(new Code("N", "2.16.840.1.113883.5.25", null)), null, null, pdf);
        byte[] zip = new XdmPackageWriter("CRT Hub test").write(submissionSet(), List.of(entry(cda, "text/xml"), second));

        assertThat(XdmStructure.violations(zip)).isEmpty();
        XdmPackage back = new XdmPackageReader().read(zip);
        assertThat(back.documents()).extracting(XdmDocumentEntry::uri).containsExactly("DOC0001.XML", "DOC0002.PDF");
        assertThat(back.documents().get(0).content()).isEqualTo(cda);
        assertThat(back.documents().get(1).content()).isEqualTo(pdf);
        assertThat(back.documents().get(0).typeCode().code()).isEqualTo("11490-0");
        assertThat(back.documents().get(0).sourcePatientId()).endsWith("^PI");
        assertThat(back.submissionSet().intendedRecipients()).hasSize(1);
        assertThat(back.submissionSet().authorInstitutions()).hasSize(1);
    }

    @Test
    void theStructureCheckSeesWhatIsMissing() {
        XdmFixtures.Doc doc = XdmFixtures.ldlSes("279035121518989");
        java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("IHE_XDM/SUBSET01/METADATA.XML", XdmFixtures.metadata(doc));
        entries.put("IHE_XDM/SUBSET01/lettre-de-liaison.xml", doc.content());
        List<String> v = XdmStructure.violations(XdmFixtures.zip(entries));
        assertThat(v).contains("INDEX.HTM missing at the root", "README.TXT missing at the root",
                "name not ISO 9660 8.3 upper case: IHE_XDM/SUBSET01/lettre-de-liaison.xml");
    }
}
