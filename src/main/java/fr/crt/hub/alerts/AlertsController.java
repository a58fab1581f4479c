package fr.crt.hub.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/alerts}: active alerts, and those cleared in the last {@code days} (default 7, at most 90). */
@RestController
@RequestMapping("/api/alerts")
public class AlertsController {

    private final AlertStore store;

    public AlertsController(AlertStore store) {
        this.store = store;
    }

    @GetMapping
    public ResponseEntity<Map<String, Object>> alerts(@RequestParam(name = "days", required = false) String days) {
        int d = 7;
        if (days != null) {
            try {
                d = Integer.parseInt(days);
            } catch (NumberFormatException e) {
                d = -1;
            }
            if (d < 1 || d > 90) return ResponseEntity.badRequest().body(Map.of("error", "days must be an integer from 1 to 90", "field", "days"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", store.active().stream().map(AlertsController::view).toList());
        body.put("recent", store.recent(Instant.now().minus(Duration.ofDays(d)), 200).stream().map(AlertsController::view).toList());
        return ResponseEntity.ok(body);
    }

    static Map<String, Object> view(Alert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("rule", a.ruleId());
        m.put("kind", a.kind());
        m.put("subject", a.subject());
        m.put("raisedAt", a.raisedAt().toString());
        m.put("clearedAt", a.clearedAt() == null ? null : a.clearedAt().toString());
        m.put("value", a.lastValue());
        m.put("lastCheckedAt", a.lastCheckedAt().toString());
        m.put("threshold", a.description());
        return m;
    }
}
