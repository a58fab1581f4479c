package fr.crt.hub.console;

import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.StoredMessage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * Messages about one person, given an INS (NIR) or a partner's local id (IPP), resolved on the server.
 *
 * <p>Until the message store has a patient index, this is the correct but slower way: the identifier is resolved to
 * canonical Patients, whose applied messages are found by {@code patient_ref}; and the PID-3 of the
 * {@code hub.console.patient-scan-limit} most recent messages matching the other filters is read, in batches, for the
 * messages no Patient leads to (refused, queued, dead-lettered, or an INS the hub did not take). {@link #messages} is
 * the one call to switch to the index.
 */
@Component
public class PatientMessageLookup {

    private static final int PAGE = 500;
    private static final Pattern LINES = Pattern.compile("\r\n|\r|\n");

    /** INS NIR, NIA and their test/demo OIDs (1.2.250.1.213.1.4.8 to .11) share this arc. */
    static final String INS_OID_ARC = "urn:oid:1.2.250.1.213.1.4.";

    private final CanonicalRepository canonical;
    private final ConnectorRegistry connectors;
    private final MessageStore store;
    private final ConsoleStats stats;
    private final int scanLimit;

    public PatientMessageLookup(CanonicalRepository canonical, ConnectorRegistry connectors, MessageStore store,
                                ConsoleStats stats, ConsoleProperties properties) {
        this.stats = stats;
        this.canonical = canonical;
        this.connectors = connectors;
        this.store = store;
        this.scanLimit = properties.patientScanLimit();
    }

    /** Every message about the person matching {@code filters} (its patient and paging ignored), newest first. */
    public List<StoredMessage> messages(String identifier, MessageQuery filters) {
        String id = identifier.trim();
        Map<Long, StoredMessage> found = new LinkedHashMap<>();
        for (Patient p : canonical.searchPatientsByIdentifier(null, id)) {
            if (!identifiedBy(p, id, filters.partnerId())) continue;
            String ref = p.getIdElement().toUnqualifiedVersionless().getValue();
            forEach(withPatient(filters, ref), Integer.MAX_VALUE, m -> found.put(m.id(), m));
        }
        // Every recent message's PID-3: refused and queued ones have no patient, and an INS the hub did not take (an
        // untrusted partner, an unqualified identity) is in no Patient, yet the operator searches by it.
        List<StoredMessage> batch = new ArrayList<>();
        forEach(withPatient(filters, null), scanLimit, m -> {
            if (!found.containsKey(m.id())) batch.add(m);
            if (batch.size() == PAGE) scan(batch, id, found);
        });
        scan(batch, id, found);
        List<StoredMessage> out = new ArrayList<>(found.values());
        out.sort(Comparator.comparing(StoredMessage::receivedAt).thenComparing(StoredMessage::id).reversed());
        return out;
    }

    private void scan(List<StoredMessage> batch, String id, Map<Long, StoredMessage> found) {
        Map<Long, ConsoleStats.Raw> raws = stats.raws(batch.stream().map(StoredMessage::id).toList());
        for (StoredMessage m : batch) {
            ConsoleStats.Raw raw = raws.get(m.id());
            if (raw != null && pid3Contains(raw.bytes(), raw.charset(), id)) found.put(m.id(), m);
        }
        batch.clear();
    }

    /**
     * A local id (IPP) is only unique within its partner: when the search names a partner, the value must be that
     * partner's IPP or an INS; without a partner, any identifier of that value matches (the list shows each partner).
     */
    private boolean identifiedBy(Patient p, String value, String partnerId) {
        if (partnerId == null) return true;
        String ippSystem = connectors.byId(partnerId).map(Connector::patientIdSystem).map(oid -> "urn:oid:" + oid).orElse(null);
        return p.getIdentifier().stream().filter(i -> value.equals(i.getValue())).anyMatch(i -> i.getSystem() != null
                && (i.getSystem().startsWith(INS_OID_ARC) || i.getSystem().equals(ippSystem)));
    }

    private void forEach(MessageQuery q, int limit, java.util.function.Consumer<StoredMessage> action) {
        int seen = 0;
        for (int page = 0; seen < limit; page++) {
            List<StoredMessage> batch = store.search(q.withPage(page));
            for (StoredMessage m : batch) {
                if (seen++ >= limit) return;
                action.accept(m);
            }
            if (batch.size() < PAGE) return;
        }
    }

    private static MessageQuery withPatient(MessageQuery f, String patientRef) {
        return new MessageQuery(f.partnerId(), f.messageType(), f.triggerEvent(), f.status(), f.from(), f.to(),
                f.controlId(), patientRef, 0, PAGE);
    }

    /** Whether a repetition of PID-3 (patient identifier list) has {@code id} as its first component. */
    static boolean pid3Contains(byte[] raw, String charset, String id) {
        String text = new String(raw, charsetOr(charset));
        String[] lines = LINES.split(text);
        if (lines.length == 0 || !lines[0].startsWith("MSH") || lines[0].length() < 8) return false;
        String field = String.valueOf(lines[0].charAt(3));
        String component = String.valueOf(lines[0].charAt(4));
        String repetition = String.valueOf(lines[0].charAt(5));
        for (String line : lines) {
            if (!line.startsWith("PID" + field)) continue;
            String[] fields = line.split(Pattern.quote(field), -1);
            if (fields.length <= 3) return false;
            for (String rep : fields[3].split(Pattern.quote(repetition), -1)) {
                if (rep.split(Pattern.quote(component), -1)[0].trim().equals(id)) return true;
            }
            return false;
        }
        return false;
    }

    private static Charset charsetOr(String name) {
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
