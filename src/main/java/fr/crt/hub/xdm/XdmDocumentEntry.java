package fr.crt.hub.xdm;

import java.util.List;

/**
 * One XDS DocumentEntry of an XDM package (ebRIM {@code ExtrinsicObject}) and its bytes.
 *
 * @param uri             the {@code URI} slot: the file name inside the subset folder
 * @param patientId       {@code XDSDocumentEntry.patientId} (CX), the affinity domain id (INS in France)
 * @param sourcePatientId the {@code sourcePatientId} slot (CX)
 * @param creationTime    {@code creationTime} slot, HL7 DTM (YYYY[MM[DD[hh[mm[ss]]]]]), UTC
 */
public record XdmDocumentEntry(
        String entryUuid,
        String uniqueId,
        String mimeType,
        String uri,
        String hash,
        Long size,
        String title,
        String creationTime,
        String languageCode,
        String patientId,
        String sourcePatientId,
        List<String> authorPersons,
        List<String> authorInstitutions,
        Code classCode,
        Code typeCode,
        Code formatCode,
        List<Code> confidentialityCodes,
        Code healthcareFacilityTypeCode,
        Code practiceSettingCode,
        byte[] content) {

    public XdmDocumentEntry withContent(byte[] bytes, String newUri, String newHash, long newSize) {
        return new XdmDocumentEntry(entryUuid, uniqueId, mimeType, newUri, newHash, newSize, title, creationTime,
                languageCode, patientId, sourcePatientId, authorPersons, authorInstitutions, classCode, typeCode,
                formatCode, confidentialityCodes, healthcareFacilityTypeCode, practiceSettingCode, bytes);
    }
}
