package fr.crt.hub.access;

/**
 * A member joined a person's care circle (not a renewal of an existing membership). Published inside the joining
 * transaction; outbound listens after the commit so that a partner structure which joins is sent what it may know of
 * the person (identity, current stays) without waiting for the next change.
 *
 * @param patientRef        versionless {@code Patient/12}
 * @param memberType        {@code practitioner} or {@code organization}
 * @param memberId          RPPS or FINESS / structure id
 * @param originConnectorId the partner whose own message made it join (it needs no copy of what it sent); null when a
 *                          coordinator added it
 */
public record CircleJoined(String patientRef, String memberType, String memberId, String originConnectorId) {}
