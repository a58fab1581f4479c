package fr.crt.hub.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The login form (the POST is Spring Security's, see {@link ConsoleSecurityConfig}). */
@Controller
public class LoginController {

    @GetMapping(ConsoleSecurityConfig.LOGIN)
    public String login() {
        return "console/login";
    }
}
