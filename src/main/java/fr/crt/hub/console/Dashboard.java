package fr.crt.hub.console;

import fr.crt.hub.pki.CertificateView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Everything the dashboard shows, read at one instant. Carries ids, counts and reasons, never message content. */
public record Dashboard(Instant at, List<RouteRow> routes, List<ConnectorRow> connectors, ConsoleStats.Counts lastHour,
                        ConsoleStats.Counts lastDay, long queued, long retrying, long deadLetter, Duration lag,
                        List<CertificateView> certificates) {

    /** A Camel route: {@code state} is running, stopped or failing (last exchange failed). */
    public record RouteRow(String id, String from, String state, long exchanges, long failures, Instant lastExchange,
                           Instant lastFailure) {}

    /** A partner connector with the routes its messages come in by. */
    public record ConnectorRow(String id, String name, String transport, Instant lastReceived, ConsoleStats.LastError lastError,
                               ConsoleStats.Counts lastHour, ConsoleStats.Counts lastDay, List<RouteRow> inboundRoutes) {
        public String state() {
            if (inboundRoutes.stream().noneMatch(r -> "running".equals(r.state()) || "failing".equals(r.state()))) return "stopped";
            return lastError != null && (lastReceived == null || !lastError.at().isBefore(lastReceived)) ? "failing" : "running";
        }
    }
}
