package fr.crt.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** N failures lock for the configured time; success resets; the lock ends by itself. On the V4 table (H2). */
class LoginLockoutTest {

    private JdbcTemplate jdbc;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private LoginLockout lockout;

    @BeforeEach
    void setUp() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:lockout-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(ds);
        String v4 = new String(getClass().getResourceAsStream("/db/migration/h2/V4__console.sql").readAllBytes());
        // the lockout table only (the ALTERs need V1's hub_message)
        jdbc.execute(v4.substring(v4.indexOf("CREATE TABLE console_login_failure"), v4.indexOf(");") + 2));
        lockout = new LoginLockout(jdbc, new ConsoleProperties(null, 3, Duration.ofMinutes(15), null, null), clock);
    }

    @Test
    void locksAfterTheLimitAndUnlocksAfterTheLockoutTime() {
        lockout.failed("alice");
        lockout.failed("alice");
        assertThat(lockout.lockedUntil("alice")).isEmpty();
        lockout.failed("alice");
        assertThat(lockout.lockedUntil("alice")).contains(Instant.parse("2026-11-25T10:15:00Z"));
        clock.now = clock.now.plus(Duration.ofMinutes(15)).plusSeconds(1);
        assertThat(lockout.lockedUntil("alice")).isEmpty();
    }

    @Test
    void aSuccessResetsTheCount() {
        lockout.failed("bob");
        lockout.failed("bob");
        lockout.reset("bob");
        lockout.failed("bob");
        lockout.failed("bob");
        assertThat(lockout.lockedUntil("bob")).isEmpty();
        assertThat(lockout.lockedUntil(null)).isEmpty();
    }

    @Test
    void accountsAreCountedApart() {
        for (int i = 0; i < 3; i++) lockout.failed("carol");
        assertThat(lockout.lockedUntil("carol")).isPresent();
        assertThat(lockout.lockedUntil("dave")).isEmpty();
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
