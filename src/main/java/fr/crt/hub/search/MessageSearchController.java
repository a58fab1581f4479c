package fr.crt.hub.search;

import com.fasterxml.jackson.databind.JsonNode;
import fr.crt.hub.api.MessagesController;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/messages/search}: the console's message search (see {@link MessageSearch} for the fields). Answers
 * {@code {size, items: [summaries as GET /api/messages], next}}; {@code next} goes back as {@code after}.
 */
@RestController
@RequestMapping("/api/messages")
public class MessageSearchController {

    private final MessageSearch search;

    public MessageSearchController(MessageSearch search) {
        this.search = search;
    }

    @PostMapping(path = "/search", consumes = "application/json")
    public Map<String, Object> search(@RequestBody(required = false) JsonNode request) {
        MessageSearch.Page page = search.search(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("size", page.items().size());
        body.put("items", page.items().stream().map(MessagesController::summary).toList());
        body.put("next", page.next());
        return body;
    }

    @ExceptionHandler(BadSearchException.class)
    ResponseEntity<Map<String, Object>> bad(BadSearchException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage(), "field", e.field()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "the body is not valid JSON", "field", "body"));
    }
}
