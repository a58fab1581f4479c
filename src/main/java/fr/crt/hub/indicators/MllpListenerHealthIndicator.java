package fr.crt.hub.indicators;

import fr.crt.hub.dui.MllpProperties;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code /actuator/health} component "mllp": the inbound route runs and its port accepts connections. */
@Component("mllp")
public class MllpListenerHealthIndicator implements HealthIndicator {

    static final String ROUTE_ID = "dui-adt-inbound";
    private final CamelContext camel;
    private final MllpProperties mllp;

    public MllpListenerHealthIndicator(CamelContext camel, MllpProperties mllp) {
        this.camel = camel;
        this.mllp = mllp;
    }

    @Override
    public Health health() {
        ServiceStatus status = camel.getRouteController().getRouteStatus(ROUTE_ID);
        if (status != ServiceStatus.Started) {
            return Health.down().withDetail("route", ROUTE_ID).withDetail("status", String.valueOf(status)).build();
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", mllp.port()), 1000);
            return Health.up().withDetail("port", mllp.port()).build();
        } catch (IOException e) {
            return Health.down().withDetail("port", mllp.port()).withDetail("error", e.getClass().getSimpleName()).build();
        }
    }
}
