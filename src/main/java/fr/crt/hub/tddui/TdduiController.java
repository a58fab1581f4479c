package fr.crt.hub.tddui;

import ca.uhn.fhir.context.FhirContext;
import fr.crt.hub.access.CareAuthentication;
import fr.crt.hub.access.CareIdentity;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /tddui}: where partners' DUI software posts TDDUI transaction Bundles. Behind the FHIR security chain
 * ({@code access.FhirSecurityConfig}: bearer token or partner certificate; no credentials is 401). Only a partner
 * system whose connector declares {@code inbound.transport: fhir} may post: any other caller gets 403 and nothing
 * is stored. The body is read raw (never through a converter) and capped at {@code hub.tddui.max-body}, then handed to
 * {@code routes/tddui-inbound.yaml} ({@link TdduiInboundRoute}), whose reply is the answer.
 */
@RestController
@EnableConfigurationProperties(TdduiProperties.class)
public class TdduiController {

    public static final String PATH = "/tddui";
    private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json;charset=UTF-8");

    private final TdduiInboundRoute intake;
    private final ConnectorRegistry connectors;
    private final TdduiProperties props;
    private final FhirContext ctx = FhirContext.forR4Cached();

    public TdduiController(TdduiInboundRoute intake, ConnectorRegistry connectors, TdduiProperties props) {
        this.intake = intake;
        this.connectors = connectors;
        this.props = props;
    }

    @PostMapping(PATH)
    public ResponseEntity<String> post(HttpServletRequest request, Authentication authentication) throws IOException {
        Optional<Connector> partner = partner(authentication);
        if (partner.isEmpty()) {
            return answer(403, new TdduiRejected(403, IssueType.FORBIDDEN, null, "only a partner system declared with "
                    + "inbound.transport fhir (client credentials or certificate) may post TDDUI bundles").outcome(), null);
        }
        long max = props.maxBody().toBytes();
        if (request.getContentLengthLong() > max) {
            return closing(intake.tooLarge(partner.get(), request.getContentLengthLong(), max));
        }
        byte[] raw;
        try (InputStream in = request.getInputStream()) {
            raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (raw.length > max) return closing(intake.tooLarge(partner.get(), raw.length, max));
        TdduiIntake.Answer a = intake.receive(partner.get(), raw, request.getContentType());
        return answer(a.status(), a.body(), a.messageId());
    }

    private Optional<Connector> partner(Authentication authentication) {
        if (!(authentication instanceof CareAuthentication care)) return Optional.empty();
        CareIdentity id = care.identity();
        if (id.kind() != CareIdentity.Kind.PARTNER_SYSTEM) return Optional.empty();
        return connectors.byId(id.personId())
                .filter(c -> c.inbound() != null && "fhir".equalsIgnoreCase(c.inbound().transport()));
    }

    private ResponseEntity<String> closing(TdduiIntake.Answer a) {
        // the rest of an oversized body is not read: the connection is not reused
        var b = ResponseEntity.status(a.status()).header(HttpHeaders.CONNECTION, "close").contentType(FHIR_JSON);
        if (a.messageId() != null) b.header("X-Hub-Message-Id", String.valueOf(a.messageId()));
        return b.body(ctx.newJsonParser().setPrettyPrint(true).encodeResourceToString(a.body()));
    }

    private ResponseEntity<String> answer(int status, IBaseResource body, Long messageId) {
        var b = ResponseEntity.status(status).contentType(FHIR_JSON);
        if (messageId != null) b.header("X-Hub-Message-Id", String.valueOf(messageId));
        return b.body(ctx.newJsonParser().setPrettyPrint(true).encodeResourceToString(body));
    }
}
