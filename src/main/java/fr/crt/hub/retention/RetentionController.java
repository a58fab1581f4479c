package fr.crt.hub.retention;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/retention}: policy per connector and what a purge would remove now (dry run);
 * {@code POST /api/retention/purge?dryRun=true|false} (ADMIN): counts, or the real purge (audited).
 */
@RestController
@RequestMapping("/api/retention")
public class RetentionController {

    private final RetentionJob job;

    public RetentionController(RetentionJob job) {
        this.job = job;
    }

    @GetMapping
    public Map<String, Object> view() {
        return job.service().view();
    }

    @PostMapping("/purge")
    public ResponseEntity<Map<String, Object>> purge(@RequestParam(name = "dryRun", required = false) String dryRun,
                                                     Authentication user) {
        if (!"true".equals(dryRun) && !"false".equals(dryRun)) {
            return ResponseEntity.badRequest().body(Map.of("error", "dryRun=true or dryRun=false is required", "field", "dryRun"));
        }
        RetentionService.Result r = "true".equals(dryRun) ? job.service().dryRun()
                : job.purge(user.getName(), "ADMIN");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dryRun", r.dryRun());
        body.put("at", r.at().toString());
        body.put("rawPurged", r.rawTotal());
        body.put("rowsDeleted", r.rowsTotal());
        body.put("identityChecksDeleted", r.identityWork().checks());
        body.put("identityTasksDeleted", r.identityWork().tasks());
        List<Map<String, Object>> per = r.perConnector().stream().map(c -> Map.<String, Object>of("connector", c.connector(),
                "raw", c.rawToPurge(), "rows", c.rowsToDelete())).toList();
        body.put("perConnector", per);
        return ResponseEntity.ok(body);
    }
}
