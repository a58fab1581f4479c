package fr.crt.hub.outbound;

import fr.crt.hub.access.Access;
import fr.crt.hub.access.AccessMatrix;
import fr.crt.hub.access.CareCircle;
import fr.crt.hub.access.CareIdentity;
import fr.crt.hub.access.ConsentRules;
import fr.crt.hub.fhir.CanonicalWriter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Who gets a change about a person: the partners whose organisation (FINESS) is a current member of the person's care
 * circle, whose outbound side is enabled, other than the partner the change came from; each with the kinds it
 * subscribes to that its role (the connector {@code kind}) may read in the access matrix, unless the person opposed
 * that structure (an active deny {@code Consent}, overall or naming its FINESS): the same rules a partner reading
 * through the FHIR API meets.
 */
@Component
public class OutboundRecipients {

    /** The kinds of data outbound knows how to send. */
    public static final Set<String> SUPPORTED_KINDS = Set.of("identity", "stays");

    public record Recipient(PartnerOutbound partner, Set<String> kinds) {}

    /** Who gets a change, and which circle members were left out because the person opposed them (connector ids). */
    public record Recipients(List<Recipient> to, List<String> opposed) {
        static final Recipients NONE = new Recipients(List.of(), List.of());
    }

    private final CareCircle circle;
    private final OutboundPartners partners;
    private final AccessMatrix matrix;
    private final ConsentRules consents;

    public OutboundRecipients(CareCircle circle, OutboundPartners partners, AccessMatrix matrix, ConsentRules consents) {
        this.circle = circle;
        this.partners = partners;
        this.matrix = matrix;
        this.consents = consents;
    }

    /** Every partner of the person's circle but {@code originConnectorId}. */
    public Recipients of(String patientRef, String originConnectorId) {
        return of(patientRef, originConnectorId, null);
    }

    /**
     * As {@link #of(String, String)}, limited to the structure {@code onlyFiness} when not null (a structure that just
     * joined the circle).
     */
    public Recipients of(String patientRef, String originConnectorId, String onlyFiness) {
        return of(List.of(patientRef), originConnectorId, onlyFiness);
    }

    /**
     * Who is told of a merge: the partners of either person's circle (the survivor's circle has taken in the merged
     * record's members, whose own circle stays as it was), except those either record's Consents oppose: one person,
     * whichever record the opposition was recorded on.
     */
    public Recipients ofMerge(String survivorRef, String mergedRef, String originConnectorId) {
        return of(List.of(survivorRef, mergedRef), originConnectorId, null);
    }

    private Recipients of(List<String> patientRefs, String originConnectorId, String onlyFiness) {
        // cheap test first: this runs after every applied message, most of them with no partner to send to
        List<PartnerOutbound> candidates = new ArrayList<>();
        for (PartnerOutbound p : partners.all()) {
            if (!p.enabled() || p.id().equals(originConnectorId)) continue;
            String finess = finess(p);
            if (finess == null || (onlyFiness != null && !onlyFiness.equals(finess))) continue;
            candidates.add(p);
        }
        if (candidates.isEmpty()) return Recipients.NONE;
        Date now = new Date();
        Set<String> members = new HashSet<>();
        for (String ref : patientRefs) members.addAll(currentOrganisations(circle.teamOf(ref).orElse(null), now));
        if (members.isEmpty()) return Recipients.NONE;
        List<Recipient> out = new ArrayList<>();
        List<String> opposed = new ArrayList<>();
        List<Consent> active = null;
        for (PartnerOutbound p : candidates) {
            if (!members.contains(finess(p))) continue;
            Set<String> kinds = allowedKinds(p, matrix);
            if (kinds.isEmpty()) continue;
            if (active == null) {
                active = new ArrayList<>();
                for (String ref : patientRefs) active.addAll(consents.activeFor(ref));
            }
            if (ConsentRules.opposes(active, identity(p))) {
                opposed.add(p.id());
                continue;
            }
            out.add(new Recipient(p, kinds));
        }
        return new Recipients(out, opposed);
    }

    /** The partner as the access rules see it when it calls the FHIR API: its system, its kind, its structure. */
    static CareIdentity identity(PartnerOutbound p) {
        return new CareIdentity(CareIdentity.Kind.PARTNER_SYSTEM, p.id(), p.connector().kind(), finess(p), null);
    }

    private static String finess(PartnerOutbound p) {
        var org = p.connector().organisation();
        return org == null ? null : org.finess();
    }

    /** What {@code p} subscribes to, minus what its role may not read (and what outbound cannot send). */
    static Set<String> allowedKinds(PartnerOutbound p, AccessMatrix matrix) {
        Set<String> kinds = new LinkedHashSet<>();
        for (String k : p.subscribe()) {
            if (SUPPORTED_KINDS.contains(k) && matrix.allows(p.connector().kind(), k, Access.READ)) kinds.add(k);
        }
        return kinds;
    }

    static Set<String> currentOrganisations(CareTeam team, Date now) {
        Set<String> out = new HashSet<>();
        if (team == null) return out;
        for (CareTeam.CareTeamParticipantComponent p : team.getParticipant()) {
            Reference m = p.getMember();
            if (!m.hasIdentifier() || !CanonicalWriter.FINESS_SYSTEM.equals(m.getIdentifier().getSystem())) continue;
            if (current(p.getPeriod(), now)) out.add(m.getIdentifier().getValue());
        }
        return out;
    }

    private static boolean current(Period p, Date now) {
        return (!p.hasStart() || !p.getStart().after(now)) && (!p.hasEnd() || p.getEnd().after(now));
    }
}
