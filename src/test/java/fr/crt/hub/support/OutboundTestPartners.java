package fr.crt.hub.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The three development partners' outbound sides in the shared test hub, started once per JVM: EHPAD Les Tilleuls is
 * an MLLP server ({@link PartnerMllpReceiver}, AA by default), SSIAD du Marais a FHIR server (WireMock, 200 by
 * default), SAAD Aide et Vie a folder. Retries are fast (50 ms doubling up to 400 ms) so that a test covers many
 * retry cycles in seconds.
 */
public final class OutboundTestPartners {

    private static PartnerMllpReceiver ehpad;
    private static WireMockServer ssiad;
    private static Path saad;

    private OutboundTestPartners() {}

    public static synchronized PartnerMllpReceiver ehpad() {
        if (ehpad == null) {
            ehpad = new PartnerMllpReceiver(HubTestCommon.freePort());
            ehpad.up();
        }
        return ehpad;
    }

    public static synchronized WireMockServer ssiad() {
        if (ssiad == null) {
            WireMockServer s = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                    .port(HubTestCommon.freePort()));
            s.start();
            s.stubFor(WireMock.post("/fhir").atPriority(10).willReturn(WireMock.okJson(
                    "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
            ssiad = s;
        }
        return ssiad;
    }

    public static synchronized Path saad() {
        if (saad == null) saad = HubTestCommon.tempDir().resolve("saad-drop");
        return saad;
    }

    static void register(DynamicPropertyRegistry r) {
        r.add("hub.outbound.ehpad-les-tilleuls.host", () -> "127.0.0.1");
        r.add("hub.outbound.ehpad-les-tilleuls.port", () -> ehpad().port());
        r.add("hub.outbound.ssiad-du-marais.base-url", () -> "http://127.0.0.1:" + ssiad().port() + "/fhir");
        r.add("hub.outbound.saad-aide-et-vie.directory", () -> saad().toString());
        r.add("hub.outbound.retry-delay", () -> "50ms");
        r.add("hub.outbound.max-retry-delay", () -> "400ms");
        r.add("hub.outbound.max-age", () -> "10m");
    }
}
