package fr.crt.hub.console;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.store.PatientKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The console's "patient" field (an INS or a partner's local id, IPP) turned into the message store's patient keys
 * ({@link PatientKeys}, the index {@code POST /api/messages/search} uses): the identifier is hashed on the server and
 * never stored, logged or put in a URL. Every message the hub keyed under that person is found, whatever its status
 * (refused, queued and dead-lettered messages included), at the cost of one indexed query.
 *
 * <p>An IPP is only unique within its partner: when the search names a partner the value is keyed under that
 * partner's {@code patientIdSystem} only; without a partner, under every partner's. A value shaped like an INS is
 * also keyed as an INS.
 */
@Component
public class PatientMessageLookup {

    /** NIR/NIA: 13 characters (digits, 2A/2B for Corsica) and a 2-digit key. */
    static final Pattern INS = Pattern.compile("[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}");

    private final PatientKeys keys;
    private final ConnectorRegistry connectors;

    public PatientMessageLookup(PatientKeys keys, ConnectorRegistry connectors) {
        this.keys = keys;
        this.connectors = connectors;
    }

    /** The keys a message about {@code identifier} carries, seen through {@code partnerId} (null: any partner). */
    public List<String> keys(String identifier, String partnerId) {
        Collection<String> systems;
        if (partnerId != null) {
            systems = connectors.byId(partnerId).map(Connector::patientIdSystem).map(List::of).orElse(List.of());
        } else {
            systems = connectors.all().stream().map(Connector::patientIdSystem).toList();
        }
        return keys(keys, identifier, systems);
    }

    static List<String> keys(PatientKeys keys, String identifier, Collection<String> ippSystems) {
        String value = Optional.ofNullable(identifier).map(String::trim).orElse("");
        if (value.isEmpty()) return List.of();
        Set<String> out = new LinkedHashSet<>();
        String compact = value.replace(" ", "");
        if (INS.matcher(compact).matches()) out.add(keys.ins(compact));
        for (String system : ippSystems) {
            if (system != null && !system.isBlank()) out.add(keys.local(system.trim(), value));
        }
        return new ArrayList<>(out);
    }
}
