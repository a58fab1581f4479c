package fr.crt.hub.search;

import com.fasterxml.jackson.databind.JsonNode;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.connector.ConnectorRegistry;
import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import fr.crt.hub.store.PatientKeys;
import fr.crt.hub.store.StoredMessage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Message search for the console: a JSON request (the patient identifier travels in the body, never in a URL)
 * turned into a {@link MessageQuery}, keyset paged, newest first. A person is found by INS or local id (IPP)
 * through the store's patient keys ({@link PatientKeys}): the identifier is hashed here and forgotten.
 *
 * <p>Request fields: {@code partner, connector, type, trigger, status, from, to, controlId, patientRef,
 * patient: {ins} | {ipp, partner?} | {system, value}, size (1..200, default 50), after (cursor of the previous page)}.
 * Any other field, an unknown status, a malformed date, cursor or INS is refused with the field named.
 */
@Service
public class MessageSearch {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 200;
    private static final Set<String> FIELDS = Set.of("partner", "connector", "type", "trigger", "status", "from", "to",
            "controlId", "patientRef", "patient", "size", "after");
    private static final Set<String> PATIENT_FIELDS = Set.of("ins", "ipp", "partner", "system", "value");
    /** NIR/NIA: 13 characters (digits, 2A/2B for Corsica) and a 2-digit key. */
    private static final Pattern INS = Pattern.compile("[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.\\-^]{1,64}");
    private static final Pattern PATIENT_REF = Pattern.compile("Patient/[A-Za-z0-9\\-.]{1,64}");

    private final MessageStore store;
    private final PatientKeys keys;
    private final ConnectorRegistry connectors;

    public MessageSearch(MessageStore store, PatientKeys keys, ConnectorRegistry connectors) {
        this.store = store;
        this.keys = keys;
        this.connectors = connectors;
    }

    /** One page: the rows, and the cursor of the next page (null on the last one). */
    public record Page(List<StoredMessage> items, String next) {}

    public Page search(JsonNode request) {
        MessageQuery q = parse(request);
        List<StoredMessage> rows = store.search(q, q.size() + 1);
        String next = null;
        if (rows.size() > q.size()) {
            rows = rows.subList(0, q.size());
            StoredMessage last = rows.get(rows.size() - 1);
            next = new MessageQuery.Cursor(last.receivedAt(), last.id()).encode();
        }
        return new Page(rows, next);
    }

    /** Validates the request and builds the query; {@link BadSearchException} names the first bad field. */
    public MessageQuery parse(JsonNode r) {
        if (r == null || r.isNull() || r.isMissingNode()) r = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (!r.isObject()) throw new BadSearchException("body", "the search request must be a JSON object");
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new BadSearchException(f, "unknown filter '" + clip(f) + "'; known: " + new java.util.TreeSet<>(FIELDS));
        }
        String partner = code(r, "partner");
        String connector = code(r, "connector");
        String type = code(r, "type");
        String trigger = code(r, "trigger");
        MessageStatus status = status(r);
        Instant from = instant(r, "from");
        Instant to = instant(r, "to");
        if (from != null && to != null && !from.isBefore(to)) throw new BadSearchException("from", "from must be before to");
        String controlId = text(r, "controlId", 199);
        String patientRef = text(r, "patientRef", 80);
        if (patientRef != null && !PATIENT_REF.matcher(patientRef).matches()) {
            throw new BadSearchException("patientRef", "patientRef must look like Patient/123");
        }
        List<String> patientKeys = r.has("patient") ? patientKeys(r.get("patient"), partner != null ? partner : connector) : null;
        int size = size(r);
        MessageQuery.Cursor after = null;
        String cursor = text(r, "after", 200);
        if (cursor != null) {
            try {
                after = MessageQuery.Cursor.decode(cursor);
            } catch (IllegalArgumentException e) {
                throw new BadSearchException("after", "malformed cursor: pass back the 'next' value of the previous page");
            }
        }
        return new MessageQuery(partner, connector, type, trigger, status, from, to, controlId, patientRef, patientKeys,
                after, 0, size);
    }

    private List<String> patientKeys(JsonNode p, String partnerFilter) {
        if (!p.isObject()) throw new BadSearchException("patient", "patient must be an object: {ins} or {ipp, partner} or {system, value}");
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!PATIENT_FIELDS.contains(f)) throw new BadSearchException("patient." + clip(f), "unknown patient field; known: " + new java.util.TreeSet<>(PATIENT_FIELDS));
        }
        String ins = text(p, "ins", 20, "patient.ins");
        String ipp = text(p, "ipp", 64, "patient.ipp");
        String system = text(p, "system", 128, "patient.system");
        String value = text(p, "value", 64, "patient.value");
        int given = (ins != null ? 1 : 0) + (ipp != null ? 1 : 0) + (system != null || value != null ? 1 : 0);
        if (given != 1) throw new BadSearchException("patient", "give exactly one of: ins, ipp, system+value");
        if (ins != null) {
            if (!INS.matcher(ins.replace(" ", "")).matches()) throw new BadSearchException("patient.ins", "not an INS (15 characters: NIR or NIA with its key)");
            return List.of(keys.ins(ins.replace(" ", "")));
        }
        if (ipp != null) {
            String partnerId = p.hasNonNull("partner") ? text(p, "partner", 64, "patient.partner") : partnerFilter;
            Set<String> systems = new LinkedHashSet<>();
            if (partnerId != null) {
                Connector c = connectors.byId(partnerId).orElseThrow(() -> new BadSearchException("patient.partner", "unknown partner"));
                if (c.patientIdSystem() == null || c.patientIdSystem().isBlank()) {
                    throw new BadSearchException("patient.partner", "this partner declares no patientIdSystem: use system+value");
                }
                systems.add(c.patientIdSystem().trim());
            } else {
                for (Connector c : connectors.all()) {
                    if (c.patientIdSystem() != null && !c.patientIdSystem().isBlank()) systems.add(c.patientIdSystem().trim());
                }
            }
            List<String> out = new ArrayList<>();
            for (String s : systems) out.add(keys.local(s, ipp));
            return out;
        }
        if (system == null || value == null) throw new BadSearchException("patient", "system and value go together");
        if (!system.matches("(urn:oid:)?[0-2](\\.[0-9]+)+|INS")) throw new BadSearchException("patient.system", "system must be an OID (or INS)");
        return List.of(keys.key(system, value));
    }

    private static MessageStatus status(JsonNode r) {
        String s = text(r, "status", 32);
        if (s == null) return null;
        try {
            return MessageStatus.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new BadSearchException("status", "unknown status '" + clip(s) + "'; known: " + java.util.Arrays.toString(MessageStatus.values()));
        }
    }

    private static Instant instant(JsonNode r, String field) {
        String s = text(r, field, 40);
        if (s == null) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new BadSearchException(field, field + " must be an ISO-8601 instant, e.g. 2026-11-25T10:15:00Z");
        }
    }

    private static int size(JsonNode r) {
        JsonNode n = r.get("size");
        if (n == null || n.isNull()) return DEFAULT_SIZE;
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1 || n.intValue() > MAX_SIZE) {
            throw new BadSearchException("size", "size must be an integer from 1 to " + MAX_SIZE);
        }
        return n.intValue();
    }

    private static String code(JsonNode r, String field) {
        String s = text(r, field, 64);
        if (s != null && !CODE.matcher(s).matches()) throw new BadSearchException(field, field + " has characters an identifier never has");
        return s;
    }

    private static String text(JsonNode r, String field, int max) {
        return text(r, field, max, field);
    }

    private static String text(JsonNode r, String field, int max, String name) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new BadSearchException(name, name + " must be a string");
        String s = n.textValue().trim();
        if (s.isEmpty()) return null;
        if (s.length() > max) throw new BadSearchException(name, name + " is longer than " + max + " characters");
        return s;
    }

    /** Echo of a field name or a status code, bounded; never used for identifiers. */
    private static String clip(String s) {
        String c = s.replaceAll("[^A-Za-z0-9_.\\-]", "?");
        return c.length() > 40 ? c.substring(0, 40) + "…" : c;
    }
}
