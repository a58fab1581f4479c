package fr.crt.hub.mssante;

import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.fhir.CanonicalWriter;
import fr.crt.hub.xdm.Code;
import fr.crt.hub.xdm.XdmDocumentEntry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Writes received documents as {@code DocumentReference} + {@code Binary} on a Patient, with one {@code Provenance}
 * pointing at the stored mail, in a single FHIR transaction. The Provenance is tagged with the mail's store id and
 * created only if none exists, so applying the same mail twice writes nothing the second time.
 */
@Component
public class DocumentWriter {

    public static final String RFC3986 = "urn:ietf:rfc:3986";
    static final String ATTACHMENT_ID_SYSTEM = "https://crt-hub.fr/fhir/NamingSystem/mail-attachment";

    private final CanonicalRepository repo;
    private final DocumentTypes types;

    public DocumentWriter(CanonicalRepository repo, DocumentTypes types) {
        this.repo = repo;
        this.types = types;
    }

    /** Result: versionless ids of the DocumentReferences (empty when the mail had already been applied). */
    public List<String> write(Patient patient, List<XdmDocumentEntry> entries, long mailId, String activity) {
        String key = String.valueOf(mailId);
        if (!repo.searchProvenanceByTag(CanonicalWriter.MESSAGE_SYSTEM, key).isEmpty()) return List.of();
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Reference subject = new Reference(patient.getIdElement().toUnqualifiedVersionless().getValue());
        Provenance prov = new Provenance();
        int n = 0;
        for (XdmDocumentEntry e : entries) {
            n++;
            String binaryUrl = "urn:uuid:" + UUID.randomUUID();
            String docUrl = "urn:uuid:" + UUID.randomUUID();
            Binary binary = new Binary();
            binary.setContentType(e.mimeType());
            binary.setDataElement(fr.crt.hub.fhir.Base64Binaries.of(e.content()));
            binary.setSecurityContext(new Reference(docUrl));
            add(tx, binary, binaryUrl, null);
            DocumentReference doc = documentReference(e, subject, binaryUrl, mailId, n);
            String identifier = doc.getMasterIdentifier().getSystem() + "|" + doc.getMasterIdentifier().getValue();
            add(tx, doc, docUrl, "DocumentReference?identifier=" + identifier);
            prov.addTarget(new Reference(docUrl));
            prov.addTarget(new Reference(binaryUrl));
        }
        prov.getMeta().addTag(CanonicalWriter.MESSAGE_SYSTEM, key, null);
        prov.setRecorded(new Date());
        prov.getActivity().addCoding().setSystem("https://crt-hub.fr/fhir/CodeSystem/activity").setCode(activity);
        prov.addAgent().setWho(new Reference().setDisplay("CRT Hub MSSanté"))
                .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type").setCode("assembler");
        prov.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference()
                .setIdentifier(new Identifier().setSystem(CanonicalWriter.MESSAGE_SYSTEM).setValue(key)).setDisplay("MSSanté mail"));
        add(tx, prov, "urn:uuid:" + UUID.randomUUID(), "Provenance?_tag=" + CanonicalWriter.MESSAGE_SYSTEM + "|" + key);
        Bundle out = repo.transaction(tx);
        List<String> ids = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : out.getEntry()) {
            String loc = entry.getResponse().getLocation();
            if (loc != null && loc.startsWith("DocumentReference/")) ids.add(new org.hl7.fhir.r4.model.IdType(loc).toUnqualifiedVersionless().getValue());
        }
        return ids;
    }

    DocumentReference documentReference(XdmDocumentEntry e, Reference subject, String binaryUrl, long mailId, int n) {
        DocumentReference d = new DocumentReference();
        if (e.uniqueId() != null && !e.uniqueId().isBlank()) {
            d.setMasterIdentifier(new Identifier().setSystem(RFC3986).setValue("urn:oid:" + e.uniqueId()));
        } else {
            d.setMasterIdentifier(new Identifier().setSystem(ATTACHMENT_ID_SYSTEM).setValue(mailId + "-" + n));
        }
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setSubject(subject);
        d.setDate(new Date());
        if (e.typeCode() != null) d.setType(new CodeableConcept(types.coding(e.typeCode())));
        if (e.classCode() != null) d.addCategory(new CodeableConcept(types.coding(e.classCode())));
        for (Code c : e.confidentialityCodes()) d.addSecurityLabel(new CodeableConcept(types.coding(c)));
        for (String person : e.authorPersons()) d.addAuthor(xcn(person));
        for (String org : e.authorInstitutions()) d.addAuthor(xon(org));
        if (e.healthcareFacilityTypeCode() != null) d.getContext().setFacilityType(new CodeableConcept(types.coding(e.healthcareFacilityTypeCode())));
        if (e.practiceSettingCode() != null) d.getContext().setPracticeSetting(new CodeableConcept(types.coding(e.practiceSettingCode())));
        DocumentReference.DocumentReferenceContentComponent content = d.addContent();
        content.getAttachment().setContentType(e.mimeType()).setUrl(binaryUrl).setTitle(e.title())
                .setSize(e.content().length).setHash(sha1Of(e)).setLanguage(e.languageCode());
        DateTimeType created = dtm(e.creationTime());
        if (created != null) content.getAttachment().setCreationElement(created);
        if (e.formatCode() != null) content.setFormat(types.coding(e.formatCode()));
        return d;
    }

    private static void add(Bundle tx, Resource r, String fullUrl, String ifNoneExist) {
        Bundle.BundleEntryRequestComponent req = tx.addEntry().setFullUrl(fullUrl).setResource(r).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
        if (ifNoneExist != null) req.setIfNoneExist(ifNoneExist);
    }

    /** XCN {@code id^family^given^^^^^^&oid&ISO}: a reference by identifier with a display. */
    static Reference xcn(String xcn) {
        String[] c = xcn.split("\\^", -1);
        Reference r = new Reference();
        String name = (comp(c, 2) + " " + comp(c, 1)).trim();
        if (!name.isEmpty()) r.setDisplay(name);
        String[] authority = comp(c, 8).split("&", -1);
        if (!comp(c, 0).isEmpty()) {
            r.setIdentifier(new Identifier().setValue(comp(c, 0)).setSystem(authority.length > 1 && !authority[1].isEmpty() ? "urn:oid:" + authority[1] : null));
        }
        return r;
    }

    /** XON {@code name^^^^^&oid&ISO^type^^^id}. */
    static Reference xon(String xon) {
        String[] c = xon.split("\\^", -1);
        Reference r = new Reference().setDisplay(comp(c, 0).isEmpty() ? null : comp(c, 0));
        String[] authority = comp(c, 5).split("&", -1);
        if (!comp(c, 9).isEmpty()) {
            r.setIdentifier(new Identifier().setValue(comp(c, 9)).setSystem(authority.length > 1 && !authority[1].isEmpty() ? "urn:oid:" + authority[1] : null));
        }
        return r;
    }

    private static String comp(String[] c, int i) {
        return i < c.length ? c[i] : "";
    }

    /** HL7 DTM (UTC, 4 to 14 digits) to a FHIR dateTime; null if not a DTM. */
    static DateTimeType dtm(String v) {
        if (v == null || !v.matches("\\d{4}(\\d{2}){0,5}")) return null;
        String iso = v.substring(0, 4) + (v.length() >= 6 ? "-" + v.substring(4, 6) : "") + (v.length() >= 8 ? "-" + v.substring(6, 8) : "");
        if (v.length() >= 12) iso += "T" + v.substring(8, 10) + ":" + v.substring(10, 12) + ":" + (v.length() >= 14 ? v.substring(12, 14) : "00") + "Z";
        try {
            return new DateTimeType(iso);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The SHA-1 of the entry's content. Entries read by {@code XdmPackageReader} carry the one it computed while
     * checking the metadata's hash (hex): not hashed a second time on the mail's hot path. Others are hashed here.
     */
    static byte[] sha1Of(XdmDocumentEntry e) {
        if (e.hash() != null && e.hash().length() == 40 && e.hash().chars().allMatch(HexFormat::isHexDigit)) return HexFormat.of().parseHex(e.hash());
        return sha1(e.content());
    }

    static byte[] sha1(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
