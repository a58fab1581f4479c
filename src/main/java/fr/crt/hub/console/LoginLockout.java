package fr.crt.hub.console;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Locks a console account after {@code hub.console.max-failed-logins} consecutive bad passwords, for
 * {@code hub.console.lockout}. Kept in the database (V4), so that a restart does not reopen an account under attack.
 * Only existing accounts are counted: guessed names do not fill the table.
 */
@Component
public class LoginLockout {

    private static final Logger log = LoggerFactory.getLogger(LoginLockout.class);

    private final JdbcTemplate jdbc;
    private final ConsoleProperties properties;
    private final Clock clock;

    @Autowired
    public LoginLockout(JdbcTemplate jdbc, ConsoleProperties properties) {
        this(jdbc, properties, Clock.systemUTC());
    }

    LoginLockout(JdbcTemplate jdbc, ConsoleProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /** Until when the account is locked, if it is now. */
    public Optional<Instant> lockedUntil(String username) {
        if (username == null) return Optional.empty();
        Instant now = clock.instant();
        return jdbc.query("SELECT locked_until FROM console_login_failure WHERE username = ?",
                        (rs, n) -> rs.getTimestamp(1), username).stream()
                .filter(t -> t != null && t.toInstant().isAfter(now)).map(Timestamp::toInstant).findFirst();
    }

    /** One more bad password; locks the account when the limit is reached. */
    public synchronized void failed(String username) {
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.update("UPDATE console_login_failure SET failures = failures + 1, last_failure_at = ? WHERE username = ?",
                now, username);
        if (updated == 0) {
            jdbc.update("INSERT INTO console_login_failure (username, failures, last_failure_at) VALUES (?, 1, ?)", username, now);
        }
        Integer failures = jdbc.queryForObject("SELECT failures FROM console_login_failure WHERE username = ?", Integer.class, username);
        if (failures != null && failures >= properties.maxFailedLogins()) {
            jdbc.update("UPDATE console_login_failure SET locked_until = ?, failures = 0 WHERE username = ?",
                    Timestamp.from(clock.instant().plus(properties.lockout())), username);
            log.warn("console account {} locked for {} after {} failed logins", username, properties.lockout(), failures);
        }
    }

    /** A successful login (or an administrator's unlock) clears the count and the lock. */
    public void reset(String username) {
        jdbc.update("DELETE FROM console_login_failure WHERE username = ?", username);
    }
}
