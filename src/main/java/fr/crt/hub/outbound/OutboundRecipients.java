package fr.crt.hub.outbound;

import fr.crt.hub.access.Access;
import fr.crt.hub.access.AccessMatrix;
import fr.crt.hub.access.CareCircle;
import fr.crt.hub.fhir.CanonicalWriter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Who gets a change about a person: the partners whose organisation (FINESS) is a current member of the person's care
 * circle, whose outbound side is enabled, other than the partner the change came from; each with the kinds it
 * subscribes to that its role (the connector {@code kind}) may read in the access matrix.
 */
@Component
public class OutboundRecipients {

    /** The kinds of data outbound knows how to send. */
    public static final Set<String> SUPPORTED_KINDS = Set.of("identity", "stays");

    public record Recipient(PartnerOutbound partner, Set<String> kinds) {}

    private final CareCircle circle;
    private final OutboundPartners partners;
    private final AccessMatrix matrix;

    public OutboundRecipients(CareCircle circle, OutboundPartners partners, AccessMatrix matrix) {
        this.circle = circle;
        this.partners = partners;
        this.matrix = matrix;
    }

    public List<Recipient> of(String patientRef, String originConnectorId) {
        Set<String> members = currentOrganisations(circle.teamOf(patientRef).orElse(null), new Date());
        List<Recipient> out = new ArrayList<>();
        if (members.isEmpty()) return out;
        for (PartnerOutbound p : partners.all()) {
            if (!p.enabled() || p.id().equals(originConnectorId)) continue;
            var org = p.connector().organisation();
            if (org == null || org.finess() == null || !members.contains(org.finess())) continue;
            Set<String> kinds = allowedKinds(p, matrix);
            if (!kinds.isEmpty()) out.add(new Recipient(p, kinds));
        }
        return out;
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
