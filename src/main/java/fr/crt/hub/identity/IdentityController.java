package fr.crt.hub.identity;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Identity vigilance over HTTP: qualify an identity ({@code POST /api/identities/{id}/qualify}, ADMIN/OPERATOR),
 * list tasks ({@code GET /api/identity-tasks}, ADMIN/OPERATOR/AUDITOR) and resolve one
 * ({@code POST /api/identity-tasks/{id}/resolve}, ADMIN/OPERATOR). Answers carry Patient references and codes only.
 */
@RestController
@RequestMapping("/api")
public class IdentityController {

    static final int MAX_COMMENT = 1000;

    public record QualifyRequest(String documentType, String comment) {}

    public record ResolveRequest(String resolution, String survivor, String merged, String comment) {}

    private final QualificationService qualification;
    private final TaskResolutionService resolution;
    private final VigilanceTaskStore tasks;

    public IdentityController(QualificationService qualification, TaskResolutionService resolution,
                              VigilanceTaskStore tasks) {
        this.qualification = qualification;
        this.resolution = resolution;
        this.tasks = tasks;
    }

    @PostMapping("/identities/{patientId}/qualify")
    public QualificationService.Qualified qualify(@PathVariable String patientId, @RequestBody QualifyRequest body,
                                                  Authentication auth) {
        if (!patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("patientId is not a Patient id");
        }
        checkComment(body == null ? null : body.comment());
        return qualification.qualify(patientId, body == null ? null : body.documentType(),
                body == null ? null : body.comment(), auth.getName(), role(auth));
    }

    @GetMapping("/identity-tasks")
    public Map<String, Object> list(@RequestParam(required = false) VigilanceTaskStore.Status status,
                                    @RequestParam(required = false) TaskKind kind,
                                    @RequestParam(required = false) String patient,
                                    @RequestParam(defaultValue = "0") int page,
                                    @RequestParam(defaultValue = "50") int size) {
        int s = Math.max(1, Math.min(size, 500));
        String ref = patient == null ? null : TaskResolutionService.patientRef(patient);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", tasks.count(status, kind, ref));
        out.put("page", Math.max(0, page));
        out.put("size", s);
        out.put("items", tasks.search(status, kind, ref, page, s).stream().map(IdentityController::view).toList());
        return out;
    }

    @PostMapping("/identity-tasks/{id}/resolve")
    public Map<String, Object> resolve(@PathVariable long id, @RequestBody ResolveRequest body, Authentication auth) {
        if (body == null) {
            throw new IllegalArgumentException("body {resolution, survivor?, merged?, comment?} required");
        }
        checkComment(body.comment());
        return view(resolution.resolve(id, body.resolution(), body.survivor(), body.merged(), body.comment(),
                auth.getName(), role(auth)));
    }

    /** Comments go to the audit trail and the task: bounded. */
    private static void checkComment(String comment) {
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new IllegalArgumentException("comment longer than " + MAX_COMMENT + " characters");
        }
    }

    static Map<String, Object> view(VigilanceTaskStore.Task t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("kind", t.kind());
        m.put("status", t.status());
        m.put("patient", t.patientRef());
        m.put("otherPatient", t.otherPatientRef());
        m.put("checkId", t.checkId());
        m.put("detail", t.detail());
        m.put("createdAt", t.createdAt());
        m.put("resolvedAt", t.resolvedAt());
        m.put("resolvedBy", t.resolvedBy());
        m.put("resolution", t.resolution());
        m.put("survivor", t.survivorRef());
        m.put("merged", t.mergedRef());
        return m;
    }

    private static String role(Authentication auth) {
        List<String> roles = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).sorted().toList();
        return roles.isEmpty() ? null : String.join(",", roles);
    }

    @ExceptionHandler(IdentityConflict.class)
    ResponseEntity<Map<String, String>> conflict(IdentityConflict e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> bad(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler({NoSuchElementException.class, ResourceNotFoundException.class})
    ResponseEntity<Map<String, String>> notFound(RuntimeException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "not found"));
    }
}
