package fr.crt.hub.console;

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
 * canonical Patients (any identifier system), whose applied messages are found by {@code patient_ref}; messages never
 * applied (refused, queued, dead-lettered: no {@code patient_ref}) among the {@code hub.console.patient-scan-limit}
 * most recent matching the other filters have their PID-3 read. {@link #messages} is the one call to switch to the
 * index.
 */
@Component
public class PatientMessageLookup {

    private static final int PAGE = 500;
    private static final Pattern LINES = Pattern.compile("\r\n|\r|\n");

    private final CanonicalRepository canonical;
    private final MessageStore store;
    private final int scanLimit;

    public PatientMessageLookup(CanonicalRepository canonical, MessageStore store, ConsoleProperties properties) {
        this.canonical = canonical;
        this.store = store;
        this.scanLimit = properties.patientScanLimit();
    }

    /** Every message about the person matching {@code filters} (its patient and paging ignored), newest first. */
    public List<StoredMessage> messages(String identifier, MessageQuery filters) {
        String id = identifier.trim();
        Map<Long, StoredMessage> found = new LinkedHashMap<>();
        for (Patient p : canonical.searchPatientsByIdentifier(null, id)) {
            String ref = p.getIdElement().toUnqualifiedVersionless().getValue();
            forEach(withPatient(filters, ref), Integer.MAX_VALUE, m -> found.put(m.id(), m));
        }
        forEach(withPatient(filters, null), scanLimit, m -> {
            if (m.patientRef() == null && store.raw(m.id()).map(raw -> pid3Contains(raw, m.charset(), id)).orElse(false)) {
                found.put(m.id(), m);
            }
        });
        List<StoredMessage> out = new ArrayList<>(found.values());
        out.sort(Comparator.comparing(StoredMessage::receivedAt).thenComparing(StoredMessage::id).reversed());
        return out;
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
