package fr.crt.hub.outbound;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.springframework.stereotype.Component;

/**
 * FHIR REST: the transaction Bundle is POSTed to the partner's base URL. 2xx delivered; 4xx refused (a definitive
 * answer: dead letter, the OperationOutcome kept as the reason) except 408 and 429; 5xx, timeouts and connection
 * errors retried. Over https the hub presents its client certificate ({@link OutboundTls}), with the hub's TLS policy;
 * a failed handshake (certificate not trusted, or the hub's refused) is retried with that reason.
 */
@Component
public class FhirPartnerSender implements PartnerSender {

    private final OutboundTls tls;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public FhirPartnerSender(OutboundTls tls) {
        this.tls = tls;
    }

    @Override
    public DeliveryOutcome send(PartnerOutbound partner, long messageId, String controlId, byte[] raw) {
        HttpRequest req = HttpRequest.newBuilder(partner.baseUrl())
                .timeout(Duration.ofMillis(partner.timeoutMs()))
                .header("Content-Type", "application/fhir+json; charset=UTF-8")
                .header("Accept", "application/fhir+json")
                .header("X-Request-Id", controlId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(raw))
                .build();
        HttpClient client;
        try {
            client = client(partner);
        } catch (IllegalStateException e) {
            return DeliveryOutcome.retry("TLS not possible: " + e.getMessage()); // no usable client certificate
        }
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            int s = r.statusCode();
            if (s >= 200 && s < 300) return DeliveryOutcome.delivered(null);
            String why = "HTTP " + s + (r.body() == null || r.body().isBlank() ? "" : ": " + r.body());
            if (s >= 400 && s < 500 && s != 408 && s != 429) return DeliveryOutcome.refused(why, null);
            return DeliveryOutcome.retry(why);
        } catch (IOException e) {
            if (isTls(e)) return DeliveryOutcome.retry(OutboundTls.reason(e));
            return DeliveryOutcome.retry("FHIR server unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryOutcome.retry("interrupted");
        }
    }

    private HttpClient client(PartnerOutbound p) {
        return clients.computeIfAbsent(p.id() + "|" + p.baseUrl() + "|" + p.certificate(), k -> {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(p.timeoutMs()))
                    .version(HttpClient.Version.HTTP_1_1);
            if (p.tls()) {
                SSLContext ctx = tls.context(p.certificate());
                b.sslContext(ctx).sslParameters(tls.parameters(ctx));
            }
            return b.build();
        });
    }

    private static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) return true;
        }
        return false;
    }
}
