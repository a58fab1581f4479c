package fr.crt.hub.console;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.store.MessageStatus;
import java.util.Comparator;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Message search: the form is posted (the patient identifier stays in the body, never in a URL), results are paged;
 * htmx swaps the result table only. The dead-letter list is the same table on status DEAD_LETTER.
 */
@Controller("consoleMessageSearchController")
public class MessageSearchController {

    private final MessageSearch search;
    private final ConnectorRegistry connectors;

    public MessageSearchController(MessageSearch search, ConnectorRegistry connectors) {
        this.search = search;
        this.connectors = connectors;
    }

    @GetMapping("/console/messages")
    public String page(Model model) {
        return render(new SearchForm(), model, null);
    }

    @PostMapping("/console/messages")
    public String search(@ModelAttribute("form") SearchForm form, Model model,
                         @RequestHeader(value = "HX-Request", required = false) String htmx) {
        return render(form, model, htmx);
    }

    @GetMapping("/console/dead-letters")
    public String deadLetters(@RequestParam(defaultValue = "0") int page, Model model) {
        SearchForm form = new SearchForm();
        form.setStatus(MessageStatus.DEAD_LETTER.name());
        form.setPage(page);
        model.addAttribute("result", search.search(form));
        return "console/dead-letters";
    }

    private String render(SearchForm form, Model model, String htmx) {
        model.addAttribute("form", form);
        model.addAttribute("result", search.search(form));
        model.addAttribute("statuses", MessageStatus.values());
        model.addAttribute("partners", connectors.all().stream().sorted(Comparator.comparing(Connector::id)).toList());
        return htmx != null ? "console/messages :: results" : "console/messages";
    }
}
