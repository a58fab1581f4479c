package fr.crt.hub.mssante;

import fr.crt.hub.connector.ConnectorsReloaded;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * One inbound route per enabled mailbox ({@code mssante-inbound-<id>}), made from the template of
 * {@code routes/mssante-inbound.yaml} once the hub is up, and kept in step with the connector files each time the
 * {@code ConnectorRegistry} has re-read them ({@link ConnectorsReloaded}): a new mailbox file starts its route, an
 * edited one (host, folder, processedMail, certificate, login...) has its route stopped and made again, a removed or
 * disabled one is stopped. A file that does not parse is refused by the registry, which keeps the previous set: the
 * routes stay as they are. A mail being read when its route stops is not flagged and is read again by the next route
 * (a DUPLICATE at worst). An unreachable server only makes the poll fail and retry (camel-mail logs it).
 */
@Component
public class MailboxRoutes {

    public static final String INBOUND_TEMPLATE = "mssante-inbound";
    private static final Logger log = LoggerFactory.getLogger(MailboxRoutes.class);

    private final MssanteMailboxes mailboxes;
    private final CamelContext camel;
    private final boolean enabled;
    private final Map<String, MailboxSettings> running = new LinkedHashMap<>();
    private volatile boolean ready;

    public MailboxRoutes(MssanteMailboxes mailboxes, CamelContext camel, Environment env) {
        this.mailboxes = mailboxes;
        this.camel = camel;
        this.enabled = Boolean.parseBoolean(env.getProperty("hub.mssante.enabled", "true"));
    }

    public static String routeId(String mailbox) {
        return "mssante-inbound-" + mailbox;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        if (!enabled) {
            log.info("MSSanté disabled (hub.mssante.enabled=false)");
            return;
        }
        ready = true;
        sync();
    }

    @EventListener(ConnectorsReloaded.class)
    public void connectorsReloaded() {
        sync();
    }

    /** Brings the routes in line with the mailbox files as the registry now holds them. */
    synchronized void sync() {
        if (!ready) return;
        Map<String, MailboxSettings> wanted = new LinkedHashMap<>();
        try {
            for (MailboxSettings m : mailboxes.all()) if (m.enabled()) wanted.put(m.id(), m);
        } catch (IllegalArgumentException e) {
            // a mailbox file that parses but says something impossible (unknown processedMail...): routes unchanged
            log.error("MSSanté mailbox files not applied, routes unchanged: {}", e.getMessage());
            return;
        }
        for (String id : List.copyOf(running.keySet())) {
            if (!running.get(id).equals(wanted.get(id))) stop(id, wanted.containsKey(id) ? "changed" : "removed or disabled");
        }
        for (MailboxSettings m : wanted.values()) if (!running.containsKey(m.id())) start(m);
    }

    private void start(MailboxSettings m) {
        try {
            mailboxes.session(m);
            TemplatedRouteBuilder route = TemplatedRouteBuilder.builder(camel, INBOUND_TEMPLATE)
                    .routeId(routeId(m.id()))
                    .parameter("mailbox", m.id())
                    .parameter("protocol", m.imap().protocol("imap"))
                    .parameter("host", m.imap().host())
                    .parameter("port", Integer.toString(m.imap().port()))
                    .parameter("folder", m.folder())
                    .parameter("session", "#" + m.sessionBean())
                    .parameter("login", m.login())
                    .parameter("password", m.password())
                    .parameter("delay", Long.toString(m.pollMillis()))
                    .parameter("delete", Boolean.toString(m.processedMail().delete()));
            if (m.processedMail().moveTo() != null) route.parameter("moveTo", m.processedMail().moveTo());
            route.add();
            running.put(m.id(), m);
            log.info("MSSanté mailbox {} polled every {} ms on {}:{} ({}, {} login), processed mail: {}", m.id(), m.pollMillis(),
                    m.imap().host(), m.imap().port(), m.imap().implicitTls() ? "implicit TLS" : "STARTTLS",
                    m.certificateLogin() ? "certificate" : "password", m.processedMail());
        } catch (Exception e) {
            // tried again at the next change of the connector files
            log.error("MSSanté mailbox {} not started: {}", m.id(), e.getMessage());
        }
    }

    private void stop(String id, String why) {
        try {
            camel.getRouteController().stopRoute(routeId(id));
            camel.removeRoute(routeId(id));
            log.info("MSSanté mailbox {} stopped ({})", id, why);
        } catch (Exception e) {
            log.error("MSSanté mailbox {} route not removed: {}", id, e.getMessage());
        }
        running.remove(id);
    }

    /** The mailboxes whose routes run, with the settings they run with. */
    public synchronized Map<String, MailboxSettings> running() {
        return Map.copyOf(running);
    }
}
