package fr.crt.hub.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every console page needs: the CSRF header htmx sends with each request, and the page path (language switch). */
@ControllerAdvice(assignableTypes = {DashboardController.class, MessageSearchController.class, MessageDetailController.class,
        ReplayController.class, UserAdminController.class, RetentionPageController.class, AlertsPageController.class,
        AuditViewerController.class, LoginController.class})
public class ConsoleModel {

    @ModelAttribute("htmxHeaders")
    public String htmxHeaders(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return token == null ? "{}" : "{\"" + token.getHeaderName() + "\": \"" + token.getToken() + "\"}";
    }

    @ModelAttribute("currentPath")
    public String currentPath(HttpServletRequest request) {
        return request.getRequestURI();
    }
}
