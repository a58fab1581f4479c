package fr.crt.hub.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who is asking, whatever the way they proved it (Pro Santé Connect-shaped token, structure user token, partner
 * certificate or client credentials, hub account): one internal identity the access rules work on.
 *
 * @param kind        what sort of caller
 * @param personId    RPPS id (professional), subject of the structure's directory (structure user), connector id
 *                    (partner system) or hub user name (hub accounts)
 * @param role        matrix role: TRE_G15 profession code, CRT role or partner structure kind; for hub accounts
 *                    ADMIN / OPERATOR / AUDITOR
 * @param structureId structure the caller acts for (FINESS or CRT structure id), may be null
 * @param specialty   TRE_R38 specialty / savoir-faire code of a professional, may be null
 */
public record CareIdentity(Kind kind, String personId, String role, String structureId, String specialty) {

    public enum Kind {
        /** The hub's HTTP-Basic ADMIN: unrestricted technical administrator. */
        HUB_ADMIN,
        /** A hub account (OPERATOR, AUDITOR): no health data; auditors read AuditEvents. */
        HUB_ACCOUNT,
        /** A health professional (Pro Santé Connect). */
        PROFESSIONAL,
        /** A user of a partner structure with a role from the structure's directory. */
        STRUCTURE_USER,
        /** A partner's system (mTLS certificate or OAuth2 client credentials declared in its connector file). */
        PARTNER_SYSTEM
    }

    /** Care-circle membership keys: the person (RPPS) and the structure they act for. */
    public static final String RPPS_KEY = "rpps:";
    public static final String STRUCTURE_KEY = "structure:";

    public CareIdentity {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(personId, "personId");
    }

    public boolean unrestricted() {
        return kind == Kind.HUB_ADMIN;
    }

    public boolean auditor() {
        return kind == Kind.HUB_ADMIN || (kind == Kind.HUB_ACCOUNT && "AUDITOR".equals(role));
    }

    /** Whether access to persons is decided by the care circle and the matrix (not a hub account). */
    public boolean careCaller() {
        return kind == Kind.PROFESSIONAL || kind == Kind.STRUCTURE_USER || kind == Kind.PARTNER_SYSTEM;
    }

    /** The CareTeam member keys that make this caller a member of a person's circle. */
    public List<String> memberKeys() {
        List<String> keys = new ArrayList<>(2);
        if (kind == Kind.PROFESSIONAL) keys.add(RPPS_KEY + personId);
        if (structureId != null && !structureId.isBlank() && careCaller()) keys.add(STRUCTURE_KEY + structureId);
        return keys;
    }

    /** For audit: who, never a name. */
    public String who() {
        return switch (kind) {
            case PROFESSIONAL -> "rpps:" + personId;
            case STRUCTURE_USER -> "user:" + personId + "@" + structureId;
            case PARTNER_SYSTEM -> "partner:" + personId;
            default -> personId;
        };
    }
}
