package fr.crt.hub.fhir;

import java.util.List;

/**
 * What one {@link CanonicalWriter#apply} wrote, for the message store and the ACK.
 *
 * @param patientId    the person the message was resolved to, e.g. {@code Patient/12} (survivor on a merge)
 * @param written      every resource written, versioned, e.g. {@code Encounter/15/_history/3}, patient first
 * @param provenanceId the Provenance recording this application, versioned
 * @param replayed     true when the message had already been applied: nothing was written this time and the
 *                     result is the one recorded by the first application
 */
public record WriteResult(String patientId, List<String> written, String provenanceId, boolean replayed) {
    public WriteResult {
        written = List.copyOf(written);
    }
}
