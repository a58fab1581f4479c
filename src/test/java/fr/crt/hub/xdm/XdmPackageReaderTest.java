package fr.crt.hub.xdm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.crt.hub.xdm.XdmRejectedException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Reading IHE_XDM.ZIP packages built from the ANS ITI-41 sample's SubmitObjectsRequest and the CDA samples
 * ({@link XdmFixtures}), and refusing hostile archives with a stable reason.
 */
class XdmPackageReaderTest {

    static final String INS = "279035121518989";
    final XdmPackageReader reader = new XdmPackageReader();

    @Test
    void readsTheN1CdaPackageWithItsMetadata() throws Exception {
        XdmFixtures.Doc doc = XdmFixtures.n1Cda(INS);
        XdmPackage pkg = reader.read(XdmFixtures.xdm(doc));

        assertThat(pkg.subsetPath()).isEqualTo("IHE_XDM/SUBSET01/");
        assertThat(pkg.warnings()).isEmpty();
        assertThat(pkg.submissionSet().patientId()).isEqualTo(INS + "^^^&1.2.250.1.213.1.4.10&ISO^NH");
        assertThat(pkg.submissionSet().sourceId()).isEqualTo("1.2.250.1.999.1.1.8121");
        assertThat(pkg.submissionSet().contentTypeCode().code()).isEqualTo("04");
        assertThat(pkg.documents()).hasSize(1);
        XdmDocumentEntry e = pkg.documents().get(0);
        assertThat(e.content()).isEqualTo(doc.content());
        assertThat(e.mimeType()).isEqualTo("text/xml");
        assertThat(e.typeCode()).isEqualTo(new Code("11502-2", "2.16.840.1.113883.6.1", "CR d'examens biologiques"));
        assertThat(e.classCode().code()).isEqualTo("10");
        assertThat(e.formatCode().code()).isEqualTo("urn:ihe:iti:xds-sd:pdf:2008");
        assertThat(e.confidentialityCodes()).extracting(Code::code).containsExactly("N");
        assertThat(e.creationTime()).isEqualTo("20231103161723");
        assertThat(e.authorPersons()).containsExactly("899711256811^DRIMBox^ANS^^^^^^&1.2.250.1.71.4.2.1&ISO^U^^^EI");
        assertThat(e.authorInstitutions()).hasSize(1);
        assertThat(Cx.parse(e.patientId())).isEqualTo(new Cx(INS, "1.2.250.1.213.1.4.10", "NH"));
        assertThat(Cx.parse(e.sourcePatientId())).isEqualTo(new Cx(INS, "1.2.250.1.213.1.4.10", "PI"));
        assertThat(e.uniqueId()).isEqualTo(doc.uniqueId());
    }

    @Test
    void missingIndexAndReadmeAreWarningsNotRefusals() throws Exception {
        XdmFixtures.Doc doc = XdmFixtures.dlu(INS);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("IHE_XDM/SUBSET01/METADATA.XML", XdmFixtures.metadata(doc));
        entries.put("IHE_XDM/SUBSET01/DOC0001.XML", doc.content());
        XdmPackage pkg = reader.read(XdmFixtures.zip(entries));
        assertThat(pkg.warnings()).containsExactly("INDEX.HTM missing", "README.TXT missing");
        assertThat(pkg.documents()).hasSize(1);
    }

    @Test
    void aDocumentWhoseBytesDoNotMatchItsHashIsRefused() {
        XdmFixtures.Doc doc = XdmFixtures.ldlSes(INS);
        Map<String, byte[]> entries = base(doc);
        byte[] tampered = doc.content().clone();
        tampered[100] ^= 1;
        entries.put("IHE_XDM/SUBSET01/DOC0001.XML", tampered);
        assertRefused(XdmFixtures.zip(entries), Reason.HASH_MISMATCH);
    }

    @Test
    void aDocumentNamedInTheMetadataButAbsentIsRefused() {
        Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
        entries.remove("IHE_XDM/SUBSET01/DOC0001.XML");
        assertRefused(XdmFixtures.zip(entries), Reason.MISSING_DOCUMENT);
    }

    @Test
    void anArchiveWithoutMetadataIsRefused() {
        Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
        entries.remove("IHE_XDM/SUBSET01/METADATA.XML");
        assertRefused(XdmFixtures.zip(entries), Reason.NO_METADATA);
    }

    @Test
    void bytesThatAreNotAZipAreRefused() {
        assertRefused("not a zip at all".getBytes(StandardCharsets.US_ASCII), Reason.NOT_A_ZIP);
        byte[] truncated = XdmFixtures.xdm(XdmFixtures.ldlSes(INS));
        assertRefused(java.util.Arrays.copyOf(truncated, truncated.length / 2), Reason.NOT_A_ZIP);
    }

    // --- hostile archives -----------------------------------------------------------------------------------

    @Test
    void zipBombByRatioIsStoppedWhileInflating() {
        // 50 MB of zeros compress to about 50 kB: ratio ~1000, far above the cap of 100
        Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
        entries.put("IHE_XDM/SUBSET01/DOC0002.XML", new byte[50 << 20]);
        byte[] bomb = XdmFixtures.zip(entries);
        assertThat(bomb.length).isLessThan(1 << 20);
        assertRefused(bomb, Reason.COMPRESSION_RATIO);
    }

    @Test
    void absoluteDecompressedSizeIsCapped() {
        XdmPackageReader small = new XdmPackageReader(new XdmLimits(200, 10L << 20, 1L << 20, 1000));
        Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
        entries.put("IHE_XDM/SUBSET01/DOC0002.BIN", random(2 << 20));
        assertThatThrownBy(() -> small.read(XdmFixtures.zip(entries)))
                .isInstanceOfSatisfying(XdmRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void oneEntryIsCappedToo() {
        XdmPackageReader small = new XdmPackageReader(new XdmLimits(200, 100_000, 100L << 20, 1000));
        Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
        entries.put("IHE_XDM/SUBSET01/DOC0002.BIN", random(200_000));
        assertThatThrownBy(() -> small.read(XdmFixtures.zip(entries)))
                .isInstanceOfSatisfying(XdmRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void tooManyEntriesAreRefused() {
        Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
        for (int i = 0; i < 300; i++) entries.put("IHE_XDM/SUBSET01/F" + i + ".TXT", new byte[] {1});
        assertRefused(XdmFixtures.zip(entries), Reason.TOO_MANY_ENTRIES);
    }

    @Test
    void pathTraversalAbsoluteAndBackslashNamesAreRefused() {
        for (String name : List.of("../../etc/passwd", "IHE_XDM/SUBSET01/../../../x", "/etc/cron.d/x", "..\\..\\windows\\x.dll",
                "IHE_XDM\\SUBSET01\\DOC0002.XML", "C:/temp/x", "IHE_XDM/./x", "bad\u0000name")) {
            Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
            entries.put(name, new byte[] {1, 2, 3});
            assertRefused(rawZip(entries), Reason.UNSAFE_ENTRY_NAME);
        }
    }

    @Test
    void aMetadataUriThatClimbsOutOfItsSubsetIsRefused() {
        XdmFixtures.Doc doc = XdmFixtures.ldlSes(INS);
        Map<String, byte[]> entries = base(doc);
        String md = new String(entries.get("IHE_XDM/SUBSET01/METADATA.XML"), StandardCharsets.UTF_8)
                .replace("DOC0001.XML", "../../README.TXT");
        entries.put("IHE_XDM/SUBSET01/METADATA.XML", md.getBytes(StandardCharsets.UTF_8));
        assertRefused(XdmFixtures.zip(entries), Reason.UNSAFE_ENTRY_NAME);
    }

    @Test
    void nestedArchivesAreRefused() {
        byte[] inner = XdmFixtures.xdm(XdmFixtures.ldlSes(INS));
        Map<String, byte[]> named = base(XdmFixtures.ldlSes(INS));
        named.put("IHE_XDM/SUBSET01/INNER.ZIP", inner);
        assertRefused(XdmFixtures.zip(named), Reason.NESTED_ARCHIVE);
        Map<String, byte[]> disguised = base(XdmFixtures.ldlSes(INS));
        disguised.put("IHE_XDM/SUBSET01/DOC0002.PDF", inner);
        assertRefused(XdmFixtures.zip(disguised), Reason.NESTED_ARCHIVE);
    }

    @Test
    void xxeAndDoctypeInMetadataAreRefused() {
        String[] hostile = {
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    + "<lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\">&x;</lcm:SubmitObjectsRequest>",
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                    + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><r>&c;</r>",
            "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><r/>",
        };
        for (String xml : hostile) {
            Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
            entries.put("IHE_XDM/SUBSET01/METADATA.XML", xml.getBytes(StandardCharsets.UTF_8));
            assertRefused(XdmFixtures.zip(entries), Reason.UNSAFE_XML);
        }
    }

    @Test
    void malformedMetadataIsRefusedAsBadMetadata() {
        Map<String, byte[]> entries = base(XdmFixtures.ldlSes(INS));
        entries.put("IHE_XDM/SUBSET01/METADATA.XML", "<lcm:SubmitObjectsRequest".getBytes(StandardCharsets.UTF_8));
        assertRefused(XdmFixtures.zip(entries), Reason.BAD_METADATA);
    }

    private static Map<String, byte[]> base(XdmFixtures.Doc doc) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("INDEX.HTM", "<html/>".getBytes(StandardCharsets.UTF_8));
        entries.put("README.TXT", "readme".getBytes(StandardCharsets.UTF_8));
        entries.put("IHE_XDM/SUBSET01/METADATA.XML", XdmFixtures.metadata(doc));
        entries.put("IHE_XDM/SUBSET01/DOC0001.XML", doc.content());
        return entries;
    }

    /** Zip with names written as given (ZipOutputStream accepts any name, like a hostile tool would). */
    private static byte[] rawZip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.util.Random(42).nextBytes(b);
        return b;
    }

    private void assertRefused(byte[] zip, Reason reason) {
        assertThatThrownBy(() -> reader.read(zip)).isInstanceOfSatisfying(XdmRejectedException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }
}
