package fr.crt.hub.console;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.audit.AuditTrail;
import fr.crt.hub.security.SecurityConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Console accounts, for administrators only: create, disable/enable, reset a password, set roles, unlock. Passwords
 * are bcrypt hashes (the hub's encoder) of at least {@value #MIN_PASSWORD} characters. An administrator cannot disable
 * their own account or take away their own ADMIN role (the hub would risk having no administrator). Each change is
 * audited.
 */
@Controller
public class UserAdminController {

    static final int MIN_PASSWORD = 12;
    static final List<String> ROLES = List.of(SecurityConfig.ADMIN, SecurityConfig.OPERATOR, SecurityConfig.AUDITOR);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,49}");

    /** One account as the list shows it. */
    public record Account(String username, boolean enabled, List<String> roles, boolean locked) {}

    private final JdbcUserDetailsManager users;
    private final JdbcTemplate jdbc;
    private final PasswordEncoder encoder;
    private final LoginLockout lockout;
    private final AuditTrail audit;

    public UserAdminController(JdbcUserDetailsManager users, JdbcTemplate jdbc, PasswordEncoder encoder, LoginLockout lockout,
                               AuditTrail audit) {
        this.users = users;
        this.jdbc = jdbc;
        this.encoder = encoder;
        this.lockout = lockout;
        this.audit = audit;
    }

    @GetMapping("/console/users")
    public String list(Model model) {
        List<Account> accounts = jdbc.queryForList("SELECT username FROM users ORDER BY username", String.class).stream()
                .map(name -> {
                    UserDetails u = users.loadUserByUsername(name);
                    return new Account(name, u.isEnabled(), roles(u), lockout.lockedUntil(name).isPresent());
                }).toList();
        model.addAttribute("accounts", accounts);
        model.addAttribute("allRoles", ROLES);
        return "console/users";
    }

    @PostMapping("/console/users")
    public String create(@RequestParam String username, @RequestParam String password,
                         @RequestParam(required = false) List<String> roles, Authentication auth, RedirectAttributes flash) {
        String name = username.trim().toLowerCase();
        List<String> granted = valid(roles);
        if (!USERNAME.matcher(name).matches()) return fail(flash, "users.error.username");
        if (users.userExists(name)) return fail(flash, "users.error.exists");
        if (password.length() < MIN_PASSWORD) return fail(flash, "users.error.password");
        if (granted.isEmpty()) return fail(flash, "users.error.roles");
        users.createUser(User.withUsername(name).password(encoder.encode(password)).roles(granted.toArray(String[]::new)).build());
        return done(auth, "user-create", name, String.join(",", granted), flash);
    }

    @PostMapping("/console/users/{username}/enabled")
    public String enable(@PathVariable String username, @RequestParam boolean enabled, Authentication auth,
                         RedirectAttributes flash) {
        UserDetails u = account(username);
        if (!enabled && username.equals(auth.getName())) return fail(flash, "users.error.self");
        users.updateUser(User.withUserDetails(u).disabled(!enabled).build());
        return done(auth, enabled ? "user-enable" : "user-disable", username, null, flash);
    }

    @PostMapping("/console/users/{username}/password")
    public String resetPassword(@PathVariable String username, @RequestParam String password, Authentication auth,
                                RedirectAttributes flash) {
        UserDetails u = account(username);
        if (password.length() < MIN_PASSWORD) return fail(flash, "users.error.password");
        users.updateUser(User.withUserDetails(u).password(encoder.encode(password)).build());
        lockout.reset(username);
        return done(auth, "user-password-reset", username, null, flash);
    }

    @PostMapping("/console/users/{username}/roles")
    public String setRoles(@PathVariable String username, @RequestParam(required = false) List<String> roles,
                           Authentication auth, RedirectAttributes flash) {
        UserDetails u = account(username);
        List<String> granted = valid(roles);
        if (granted.isEmpty()) return fail(flash, "users.error.roles");
        if (username.equals(auth.getName()) && !granted.contains(SecurityConfig.ADMIN)) return fail(flash, "users.error.self");
        users.updateUser(User.withUserDetails(u).roles(granted.toArray(String[]::new)).build());
        return done(auth, "user-roles", username, String.join(",", granted), flash);
    }

    @PostMapping("/console/users/{username}/unlock")
    public String unlock(@PathVariable String username, Authentication auth, RedirectAttributes flash) {
        account(username);
        lockout.reset(username);
        return done(auth, "user-unlock", username, null, flash);
    }

    private UserDetails account(String username) {
        if (!users.userExists(username)) throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        return users.loadUserByUsername(username);
    }

    private String done(Authentication auth, String subtype, String username, String detail, RedirectAttributes flash) {
        audit.record(new AuditRecord(subtype.equals("user-create") ? "C" : "U", subtype, auth.getName(),
                ConsoleUser.roles(auth), null, "user/" + username, AuditRecord.Outcome.SUCCESS, detail));
        flash.addFlashAttribute("ok", "users.ok");
        return "redirect:/console/users";
    }

    private static String fail(RedirectAttributes flash, String key) {
        flash.addFlashAttribute("error", key);
        return "redirect:/console/users";
    }

    private static List<String> valid(List<String> roles) {
        List<String> out = new ArrayList<>();
        if (roles != null) for (String r : Set.copyOf(roles)) if (ROLES.contains(r)) out.add(r);
        out.sort(null);
        return out;
    }

    private static List<String> roles(UserDetails u) {
        return u.getAuthorities().stream().map(a -> a.getAuthority().replaceFirst("^ROLE_", "")).sorted().toList();
    }
}
