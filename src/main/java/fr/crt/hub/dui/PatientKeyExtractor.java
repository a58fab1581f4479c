package fr.crt.hub.dui;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.util.ReadOnlyMessageIterator;
import ca.uhn.hl7v2.util.Terser;
import java.util.Iterator;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.store.PatientKeys;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The search keys of the persons an ADT message is about: every repetition of PID-3 (INS and IPP) and of MRG-1
 * (the identifiers a merge retires), each turned into a {@link PatientKeys} HMAC. Never throws: a message whose
 * identifiers cannot be read is stored all the same, only not findable by patient.
 */
@Component
public class PatientKeyExtractor {

    private static final int MAX_REPETITIONS = 20;

    private final PatientKeys keys;

    public PatientKeyExtractor(PatientKeys keys) {
        this.keys = keys;
    }

    public List<String> keys(Message parsed, Connector partner) {
        if (parsed == null) return List.of();
        Set<String> out = new LinkedHashSet<>();
        try {
            // only the segments present: Terser paths would create empty ones in the parsed message
            Iterator<Structure> it = ReadOnlyMessageIterator.createPopulatedSegmentIterator(parsed);
            while (it.hasNext()) {
                Structure s = it.next();
                if (s instanceof Segment seg && ("PID".equals(seg.getName()) || "MRG".equals(seg.getName()))) {
                    collect(seg, "PID".equals(seg.getName()) ? 3 : 1, partner, out);
                }
            }
        } catch (HL7Exception | RuntimeException e) {
            // keep what was read: the message is stored anyway
        }
        return List.copyOf(out);
    }

    /**
     * Keys of a message the hub refused (so not kept parsed): read again from its bytes, leniently, so that a refused
     * message is found by patient like any other. Never throws.
     */
    public List<String> keys(byte[] raw, java.nio.charset.Charset charset, Connector partner) {
        if (raw == null || raw.length == 0) return List.of();
        try {
            return keys(Hl7Parsing.parse(Hl7Charsets.decode(raw, charset == null ? java.nio.charset.StandardCharsets.UTF_8 : charset)), partner);
        } catch (Hl7Charsets.InvalidBytesException | RuntimeException e) {
            return List.of();
        }
    }

    private void collect(Segment seg, int field, Connector partner, Set<String> out) throws HL7Exception {
        int reps = Math.min(seg.getField(field).length, MAX_REPETITIONS);
        for (int rep = 0; rep < reps; rep++) {
            String value = trim(Terser.get(seg, field, rep, 1, 1));
            if (value == null) continue;
            String oid = trim(Terser.get(seg, field, rep, 4, 2));
            String type = trim(Terser.get(seg, field, rep, 5, 1));
            boolean ins = (oid != null && PatientKeys.INS_OIDS.contains(oid))
                    || "INS".equals(type) || "INS-NIR".equals(type) || "INS-NIA".equals(type);
            if (ins) {
                out.add(keys.ins(value));
            } else if (type == null || "PI".equals(type)) {
                String system = partner != null && partner.patientIdSystem() != null && !partner.patientIdSystem().isBlank()
                        ? partner.patientIdSystem().trim() : oid;
                if (system != null) out.add(keys.local(system, value));
            }
        }
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
