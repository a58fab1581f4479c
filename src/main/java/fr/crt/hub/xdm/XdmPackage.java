package fr.crt.hub.xdm;

import java.util.List;

/**
 * A read {@code IHE_XDM.ZIP}: the submission set and documents of its (first) subset, plus what the structure
 * rules say about it (INDEX.HTM, README.TXT present, other subsets ignored).
 */
public record XdmPackage(String subsetPath, XdmSubmissionSet submissionSet, List<XdmDocumentEntry> documents,
                         List<String> warnings) {}
