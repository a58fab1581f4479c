package fr.crt.hub.audit;

import fr.crt.hub.fhir.CanonicalRepository;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes {@link AuditRecord}s as FHIR {@code AuditEvent}s in the canonical repository, shaped on IHE BALP
 * (Basic Audit Log Patterns): type rest/application activity, subtype = what was done, one agent (who), the
 * patient as an entity with role "1 Patient", other objects as entities, outcome and its description.
 *
 * <p>Why its own transaction: an audit line must survive the rollback of the act it describes (a refused access,
 * a failed call is exactly what an auditor wants to see).
 */
@Service
public class AuditTrail {

    public static final String SUBTYPE_SYSTEM = "https://crt-hub.fr/fhir/CodeSystem/audit-subtype";
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String BALP_PATIENT_PROFILE =
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead";

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final CanonicalRepository repo;
    private final TransactionTemplate ownTransaction;

    public AuditTrail(CanonicalRepository repo, PlatformTransactionManager transactionManager) {
        this.repo = repo;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Stores {@code r}; returns the versionless id of the AuditEvent, e.g. {@code AuditEvent/42}. */
    public String record(AuditRecord r) {
        AuditEvent event = toAuditEvent(r);
        String id = ownTransaction.execute(tx -> repo.create(event).getId().toUnqualifiedVersionless().getValue());
        // Subtype and outcome only: the detail may be a user's free text.
        log.info("audit {} {} outcome={} -> {}", r.subtype(), r.action(), r.outcome().code, id);
        return id;
    }

    static AuditEvent toAuditEvent(AuditRecord r) {
        AuditEvent e = new AuditEvent();
        if (r.patientRef() != null && "R".equals(r.action())) {
            e.getMeta().addProfile(BALP_PATIENT_PROFILE);
        }
        e.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        e.addSubtype(new Coding(SUBTYPE_SYSTEM, r.subtype(), null));
        e.setAction(AuditEvent.AuditEventAction.fromCode(r.action()));
        e.setRecorded(new Date());
        e.setOutcome(AuditEvent.AuditEventOutcome.fromCode(r.outcome().code));
        if (r.detail() != null) {
            e.setOutcomeDesc(r.detail());
        }
        AuditEvent.AuditEventAgentComponent agent = e.addAgent();
        agent.setRequestor(true);
        agent.setAltId(r.who()); // token search parameter "altid": the audit viewer finds a user's acts by exact login
        agent.setWho(new Reference().setDisplay(r.who()));
        agent.getWho().getIdentifier().setSystem("https://crt-hub.fr/fhir/NamingSystem/user").setValue(r.who());
        if (r.whoRole() != null) {
            agent.addRole().addCoding(new Coding("https://crt-hub.fr/fhir/CodeSystem/role", r.whoRole(), null));
        }
        e.getSource().setObserver(new Reference().setDisplay("crt-hub"));
        e.getSource().addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                "Application Server"));
        if (r.patientRef() != null) {
            e.addEntity().setWhat(new Reference(r.patientRef()))
                    .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        }
        if (r.entityRef() != null) {
            AuditEvent.AuditEventEntityComponent entity = e.addEntity().setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
            if (r.entityRef().matches("[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]+")) {
                entity.setWhat(new Reference(r.entityRef()));
            } else {
                entity.setWhat(new Reference().setDisplay(r.entityRef()));
            }
        }
        return e;
    }
}
