package fr.crt.hub.console;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The web console ({@code /console}).
 *
 * @param sessionTimeout    idle time after which a console session ends (default 30 min)
 * @param maxFailedLogins   consecutive bad passwords that lock an account (default 5)
 * @param lockout           how long a locked account stays locked (default 15 min)
 * @param refresh           how often the dashboard re-reads its figures in the browser (default 5 s)
 * @param zone              time zone the console shows and reads times in (default Europe/Paris)
 */
@ConfigurationProperties("hub.console")
public record ConsoleProperties(Duration sessionTimeout, Integer maxFailedLogins, Duration lockout, Duration refresh,
                                ZoneId zone) {

    public ConsoleProperties {
        if (sessionTimeout == null) sessionTimeout = Duration.ofMinutes(30);
        if (maxFailedLogins == null || maxFailedLogins < 1) maxFailedLogins = 5;
        if (lockout == null) lockout = Duration.ofMinutes(15);
        if (refresh == null) refresh = Duration.ofSeconds(5);
        if (zone == null) zone = ZoneId.of("Europe/Paris");
    }
}
