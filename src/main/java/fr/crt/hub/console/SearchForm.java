package fr.crt.hub.console;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * The console's message search form, posted in the request body (the patient identifier must never be in a URL).
 * Blank fields do not filter; times are local to {@code hub.console.zone}.
 */
public class SearchForm {

    public static final int PAGE_SIZE = 25;

    private String partner;
    private String type;
    private String trigger;
    private String status;
    private String from;
    private String to;
    private String controlId;
    private String patient;
    private int page;

    public MessageQuery toQuery(ZoneId zone) {
        return new MessageQuery(blankToNull(partner), upper(type), upper(trigger), statusValue(), instant(from, zone),
                instant(to, zone), blankToNull(controlId), null, Math.max(0, page), PAGE_SIZE);
    }

    public boolean hasPatient() {
        return blankToNull(patient) != null;
    }

    /** True when at least one filter is set (a bulk replay of the whole store is refused). */
    public boolean hasFilter() {
        return Arrays.asList(partner, type, trigger, status, from, to, controlId, patient).stream()
                .anyMatch(v -> blankToNull(v) != null);
    }

    MessageStatus statusValue() {
        String s = blankToNull(status);
        if (s == null) return null;
        try {
            return MessageStatus.valueOf(s.toUpperCase());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Instant instant(String local, ZoneId zone) {
        String s = blankToNull(local);
        if (s == null) return null;
        try {
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String upper(String s) {
        String v = blankToNull(s);
        return v == null ? null : v.toUpperCase();
    }

    public String getPartner() { return partner; }
    public void setPartner(String partner) { this.partner = partner; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getTrigger() { return trigger; }
    public void setTrigger(String trigger) { this.trigger = trigger; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getFrom() { return from; }
    public void setFrom(String from) { this.from = from; }
    public String getTo() { return to; }
    public void setTo(String to) { this.to = to; }
    public String getControlId() { return controlId; }
    public void setControlId(String controlId) { this.controlId = controlId; }
    public String getPatient() { return patient; }
    public void setPatient(String patient) { this.patient = patient; }
    public int getPage() { return page; }
    public void setPage(int page) { this.page = page; }
}
