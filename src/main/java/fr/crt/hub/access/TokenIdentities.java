package fr.crt.hub.access;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.stereotype.Component;

/**
 * Turns a validated bearer token (signature, issuer, audience and expiry already checked) into a
 * {@link CareIdentity}, or refuses it (401) when the claims do not say who the caller is.
 *
 * <p>Three shapes are recognised, in this order:
 * <ol>
 *   <li><b>Pro Santé Connect</b> (professional): {@code SubjectNameID} (national id, RPPS-based), profession from
 *       {@code SubjectRole} (values {@code "<TRE_G15 code>^<OID>"} or plain codes) or from
 *       {@code SubjectRefPro.exercices[0].codeProfession}; specialty {@code codeSavoirFaire}; structure from
 *       {@code SubjectRefPro.exercices[0].activities[0]} ({@code numeroFinessSite}, else
 *       {@code identifiantTechniqueStructure}) or {@code SubjectOrganizationId}. These are the names of PSC's
 *       UserInfo claims; a resource server that only receives PSC's access token resolves them at the UserInfo
 *       endpoint first (not done here: the hub expects them in the token its gateway forwards).</li>
 *   <li><b>Structure user</b> (home-help worker, social worker, coordinator…): {@code sub}, the role from the
 *       structure's directory in {@code crt_structure_role} and the structure in {@code crt_structure}.</li>
 *   <li><b>Partner system</b> (OAuth2 client credentials): {@code client_id} (or {@code azp}) equal to the
 *       {@code inbound.oauth2ClientId} of a connector file; role = the connector's kind.</li>
 * </ol>
 * The role must exist in the access matrix, else the token is refused.
 */
@Component
public class TokenIdentities implements Converter<Jwt, AbstractAuthenticationToken> {

    public static final String PSC_NAME_ID = "SubjectNameID";
    public static final String PSC_ROLE = "SubjectRole";
    public static final String PSC_REF_PRO = "SubjectRefPro";
    public static final String PSC_ORGANIZATION_ID = "SubjectOrganizationId";
    public static final String STRUCTURE_ROLE = "crt_structure_role";
    public static final String STRUCTURE = "crt_structure";

    private final AccessMatrix matrix;
    private final ConnectorRegistry connectors;

    public TokenIdentities(AccessMatrix matrix, ConnectorRegistry connectors) {
        this.matrix = matrix;
        this.connectors = connectors;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        return new CareAuthentication(identity(jwt), jwt);
    }

    CareIdentity identity(Jwt jwt) {
        if (jwt.hasClaim(PSC_NAME_ID)) return professional(jwt);
        if (jwt.hasClaim(STRUCTURE_ROLE)) return structureUser(jwt);
        String clientId = Optional.ofNullable(jwt.getClaimAsString("client_id")).orElse(jwt.getClaimAsString("azp"));
        Optional<Connector> partner = connectors.byOAuth2ClientId(clientId);
        if (partner.isPresent()) {
            Connector c = partner.get();
            if (!matrix.isRole(c.kind())) throw refused("partner kind not in the access matrix");
            String finess = c.organisation() == null ? null : c.organisation().finess();
            return new CareIdentity(CareIdentity.Kind.PARTNER_SYSTEM, c.id(), c.kind(), finess, null);
        }
        throw refused("token does not identify a professional, a structure user or a declared partner");
    }

    private CareIdentity professional(Jwt jwt) {
        String id = jwt.getClaimAsString(PSC_NAME_ID);
        if (id == null || id.isBlank()) throw refused(PSC_NAME_ID + " is empty");
        Map<String, Object> exercice = firstMap(jwt.getClaims().get(PSC_REF_PRO), "exercices");
        String profession = professionFromRoles(jwt.getClaims().get(PSC_ROLE));
        if (profession == null && exercice != null) profession = string(exercice.get("codeProfession"));
        if (profession == null) throw refused("no profession (" + PSC_ROLE + " / codeProfession)");
        if (!"profession".equals(matrix.roleType(profession))) throw refused("profession not in the access matrix");
        String specialty = exercice == null ? null : string(exercice.get("codeSavoirFaire"));
        Map<String, Object> activity = exercice == null ? null : firstMap(exercice, "activities");
        String structure = activity == null ? null
                : Optional.ofNullable(string(activity.get("numeroFinessSite")))
                        .orElse(string(activity.get("identifiantTechniqueStructure")));
        if (structure == null) structure = jwt.getClaimAsString(PSC_ORGANIZATION_ID);
        return new CareIdentity(CareIdentity.Kind.PROFESSIONAL, id, profession, structure, specialty);
    }

    private CareIdentity structureUser(Jwt jwt) {
        String role = jwt.getClaimAsString(STRUCTURE_ROLE);
        String structure = jwt.getClaimAsString(STRUCTURE);
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank()) throw refused("sub is missing");
        if (structure == null || structure.isBlank()) throw refused(STRUCTURE + " is missing");
        if (!"crt".equals(matrix.roleType(role))) throw refused("structure role not in the access matrix");
        return new CareIdentity(CareIdentity.Kind.STRUCTURE_USER, sub, role, structure, null);
    }

    private static String professionFromRoles(Object claim) {
        if (claim == null) return null;
        Collection<?> values = claim instanceof Collection<?> c ? c : List.of(claim);
        for (Object v : values) {
            String s = string(v);
            if (s == null) continue;
            int hat = s.indexOf('^');
            String code = hat >= 0 ? s.substring(0, hat) : s;
            // SubjectRole also lists other kinds of roles (OID after ^): keep TRE_G15 (1.2.250.1.213.1.1.5.5) or bare
            if (hat < 0 || s.endsWith("1.2.250.1.213.1.1.5.5") || s.endsWith("TRE_G15-ProfessionSante")) return code;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstMap(Object holder, String listField) {
        if (!(holder instanceof Map<?, ?> m)) return null;
        Object list = m.get(listField);
        if (list instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> first) {
            return (Map<String, Object>) first;
        }
        return null;
    }

    private static String string(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString();
    }

    private static InvalidBearerTokenException refused(String why) {
        return new InvalidBearerTokenException("Token refused: " + why);
    }
}
