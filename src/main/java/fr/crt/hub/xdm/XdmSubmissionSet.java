package fr.crt.hub.xdm;

import java.util.List;

/** The XDS SubmissionSet of an XDM package (ebRIM {@code RegistryPackage}). */
public record XdmSubmissionSet(
        String entryUuid,
        String uniqueId,
        String sourceId,
        String patientId,
        String submissionTime,
        String title,
        Code contentTypeCode,
        List<String> authorPersons,
        List<String> authorInstitutions,
        List<String> intendedRecipients) {}
