package fr.crt.hub.fhir;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.dui.AdtMapping;
import java.util.List;
import org.springframework.stereotype.Component;

/** TEMPORARY placeholder until the real writer lands (being written in parallel). */
@Component
public class CanonicalWriter {
    public record WriteResult(String patientId, List<String> resourceIds) {}

    public WriteResult apply(AdtMapping m, Connector partner, long sourceMessageId, String controlId) {
        throw new UnsupportedOperationException("placeholder");
    }
}
