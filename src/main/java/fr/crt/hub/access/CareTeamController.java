package fr.crt.hub.access;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import java.security.Principal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.CareTeam;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The CRT's coordinators put professionals and structures in a person's care circle:
 * {@code POST /api/care-teams/{patientId}/members} (ADMIN, OPERATOR) with
 * {@code {"type":"practitioner|organization","id":"<RPPS|FINESS>","role":"<matrix role>","start":"YYYY-MM-DD","end":"YYYY-MM-DD"}};
 * {@code GET /api/care-teams/{patientId}} lists the members. Every change is audited.
 */
@RestController
@RequestMapping("/api/care-teams")
public class CareTeamController {

    private final CareCircle circle;
    private final AccessMatrix matrix;
    private final AuditTrail audit;

    public CareTeamController(CareCircle circle, AccessMatrix matrix, AuditTrail audit) {
        this.circle = circle;
        this.matrix = matrix;
        this.audit = audit;
    }

    @PostMapping("/{patientId}/members")
    public ResponseEntity<Map<String, Object>> join(@PathVariable String patientId, @RequestBody Map<String, Object> body,
                                                    Principal who) {
        String patientRef = patientRef(patientId);
        String role = text(body.get("role"));
        if (!matrix.isRole(role)) throw new IllegalArgumentException("role must be one of the access matrix roles");
        CareCircle.Member m = new CareCircle.Member(text(body.get("type")), text(body.get("id")), role,
                date(body.get("start"), "start"), date(body.get("end"), "end"));
        CareTeam team = circle.join(patientRef, m);
        audit.record(new AuditRecord("U", "care-team-join", who.getName(), null, patientRef,
                team.getIdElement().toUnqualifiedVersionless().getValue(), AuditRecord.Outcome.SUCCESS,
                m.type() + " " + m.id() + " as " + role));
        return ResponseEntity.status(HttpStatus.CREATED).body(view(team));
    }

    @GetMapping("/{patientId}")
    public Map<String, Object> members(@PathVariable String patientId) {
        String patientRef = patientRef(patientId);
        return circle.teamOf(patientRef).map(CareTeamController::view)
                .orElseThrow(() -> new ResourceNotFoundException("no care circle for " + patientRef));
    }

    private static Map<String, Object> view(CareTeam team) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("careTeam", team.getIdElement().toUnqualifiedVersionless().getValue());
        out.put("patient", team.getSubject().getReference());
        out.put("members", team.getParticipant().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", p.getMember().getType());
            m.put("id", p.getMember().getIdentifier().getValue());
            m.put("role", CareCircle.roleOf(p));
            m.put("start", p.getPeriod().getStartElement().getValueAsString());
            m.put("end", p.getPeriod().getEndElement().getValueAsString());
            return m;
        }).toList());
        return out;
    }

    private static String patientRef(String patientId) {
        if (patientId == null || !patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("patient id is malformed");
        }
        return "Patient/" + patientId;
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static LocalDate date(Object o, String field) {
        if (o == null || o.toString().isBlank()) return null;
        try {
            return LocalDate.parse(o.toString());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a date YYYY-MM-DD");
        }
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage()));
    }

    @ExceptionHandler(ResourceNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(ResourceNotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "unknown person or no care circle"));
    }

}
