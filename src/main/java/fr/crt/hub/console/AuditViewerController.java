package fr.crt.hub.console;

import fr.crt.hub.audit.AuditQuery;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The audit viewer (AUDITOR and ADMIN): who saw which person's data, when and why, through {@link AuditQuery} (the
 * service of {@code GET /api/audit-events}). The form is posted: a patient's INS or Patient id stays in the request
 * body, never in a URL. A bad filter is answered with the field it names, nothing searched.
 */
@Controller
public class AuditViewerController {

    public static final int PAGE_SIZE = 25;
    private static final Pattern INS = PatientMessageLookup.INS;
    private static final Pattern PATIENT = fr.crt.hub.audit.AuditQuery.PATIENT;
    private static final Pattern CODE = fr.crt.hub.audit.AuditQuery.CODE;

    private final AuditQuery query;
    private final ConsoleProperties properties;

    public AuditViewerController(AuditQuery query, ConsoleProperties properties) {
        this.query = query;
        this.properties = properties;
    }

    /** The posted filters; blank fields do not filter, dates are local to {@code hub.console.zone}. */
    public static class AuditForm {
        private String who;
        private String subtype;
        private String patient;
        private String from;
        private String to;
        private int page;

        public String getWho() { return who; }
        public void setWho(String who) { this.who = who; }
        public String getSubtype() { return subtype; }
        public void setSubtype(String subtype) { this.subtype = subtype; }
        public String getPatient() { return patient; }
        public void setPatient(String patient) { this.patient = patient; }
        public String getFrom() { return from; }
        public void setFrom(String from) { this.from = from; }
        public String getTo() { return to; }
        public void setTo(String to) { this.to = to; }
        public int getPage() { return page; }
        public void setPage(int page) { this.page = page; }
    }

    @GetMapping("/console/audit")
    public String page(Model model) {
        return search(new AuditForm(), model, null);
    }

    @PostMapping("/console/audit")
    public String search(@ModelAttribute("form") AuditForm form, Model model,
                         jakarta.servlet.http.HttpServletResponse response) {
        model.addAttribute("form", form);
        model.addAttribute("pageSize", PAGE_SIZE);
        String error = null;
        AuditQuery.Filter filter = null;
        try {
            filter = filter(form);
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        if (error != null) {
            if (response != null) response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", error);
            model.addAttribute("result", new AuditQuery.Page(List.of(), false));
        } else {
            model.addAttribute("result", query.search(filter));
        }
        return "console/audit";
    }

    /** @throws IllegalArgumentException whose message is the i18n key of the refused field */
    AuditQuery.Filter filter(AuditForm f) {
        List<String> patients = null;
        String patient = SearchForm.blankToNull(f.getPatient());
        if (patient != null) {
            String compact = patient.replace(" ", "");
            if (INS.matcher(compact).matches()) {
                patients = query.patientsByIns(compact);
            } else if (PATIENT.matcher(patient).matches()) {
                patients = List.of(patient.startsWith("Patient/") ? patient : "Patient/" + patient);
            } else {
                throw new IllegalArgumentException("audit.bad.patient");
            }
        }
        String who = code(f.getWho(), "audit.bad.who");
        String subtype = code(f.getSubtype(), "audit.bad.subtype");
        Instant from = date(f.getFrom(), "audit.bad.from");
        Instant to = date(f.getTo(), "audit.bad.to");
        if (from != null && to != null && !from.isBefore(to)) throw new IllegalArgumentException("audit.bad.range");
        int page = Math.max(0, f.getPage());
        if ((long) (page + 1) * PAGE_SIZE > AuditQuery.MAX_DEPTH) throw new IllegalArgumentException("audit.bad.depth");
        f.setPage(page);
        return new AuditQuery.Filter(patients, who, subtype, from, to, page, PAGE_SIZE);
    }

    private static String code(String value, String errorKey) {
        String v = SearchForm.blankToNull(value);
        if (v != null && !CODE.matcher(v).matches()) throw new IllegalArgumentException(errorKey);
        return v;
    }

    private Instant date(String value, String errorKey) {
        if (SearchForm.blankToNull(value) == null) return null;
        Instant i = SearchForm.instant(value, properties.zone());
        if (i == null) throw new IllegalArgumentException(errorKey);
        return i;
    }
}
