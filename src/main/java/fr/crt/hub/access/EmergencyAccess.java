package fr.crt.hub.access;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Emergency access ("bris de glace") grants: a caller whose role the matrix names may open a person outside their
 * care circle, giving a reason, for the matrix's number of minutes. Grants are kept in memory (a restart ends
 * them); opening one is audited by the caller ({@link CallerContext}), as is every request made under it.
 */
@Component
public class EmergencyAccess {

    public static final String PATIENT_HEADER = "X-Emergency-Patient";

    private final AccessMatrix matrix;
    private final Clock clock;
    private final Map<String, Instant> grants = new ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    public EmergencyAccess(AccessMatrix matrix) {
        this(matrix, Clock.systemUTC());
    }

    EmergencyAccess(AccessMatrix matrix, Clock clock) {
        this.matrix = matrix;
        this.clock = clock;
    }

    /** Opens {@code patientRef} to {@code caller} until the returned instant; refuses roles the matrix does not name. */
    public Instant open(CareIdentity caller, String patientRef, String reason) {
        if (!caller.careCaller() || !matrix.emergencyAllowed(caller.role())) {
            throw new IllegalStateException("role not allowed emergency access");
        }
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a reason is mandatory");
        Instant until = clock.instant().plus(matrix.emergencyDuration());
        grants.put(key(caller, patientRef), until);
        return until;
    }

    /** Persons currently opened to {@code caller} by emergency access. */
    public Set<String> openFor(CareIdentity caller) {
        if (grants.isEmpty()) return Set.of();
        Instant now = clock.instant();
        String prefix = caller.who() + "|";
        Set<String> out = new LinkedHashSet<>();
        grants.entrySet().removeIf(e -> !e.getValue().isAfter(now));
        grants.forEach((k, until) -> {
            if (k.startsWith(prefix)) out.add(k.substring(prefix.length()));
        });
        return out;
    }

    private static String key(CareIdentity caller, String patientRef) {
        return caller.who() + "|" + patientRef;
    }
}
