package fr.crt.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.TokenParam;
import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.support.HubTestBase;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class AuditTrailTest extends HubTestBase {

    @Autowired
    AuditTrail trail;

    @Autowired
    CanonicalRepository repo;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void storesABalpShapedAuditEventAboutThePatient() {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:oid:1.2.250.1.213.1.999.1").setValue(UUID.randomUUID().toString());
        String patientRef = repo.create(p).getId().toUnqualifiedVersionless().getValue();
        String subtype = "test-read-" + UUID.randomUUID();

        String id = trail.record(new AuditRecord("R", subtype, "alice", "OPERATOR", patientRef, "hub-message/42",
                AuditRecord.Outcome.SUCCESS, "asked by the EHPAD"));

        AuditEvent stored = repo.read(AuditEvent.class, new IdType(id));
        assertThat(stored.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(stored.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(stored.getSubtypeFirstRep().getCode()).isEqualTo(subtype);
        assertThat(stored.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("alice");
        assertThat(stored.getAgentFirstRep().getRequestor()).isTrue();
        assertThat(stored.getEntity()).extracting(e -> e.getWhat().getReference()).contains(patientRef);
        assertThat(stored.getEntity()).extracting(e -> e.getRole().getCode()).containsExactly("1", "4");
        assertThat(stored.getMeta().hasProfile(AuditTrail.BALP_PATIENT_PROFILE)).isTrue();
        assertThat(stored.getOutcomeDesc()).isEqualTo("asked by the EHPAD");
        assertThat(stored.getRecorded()).isNotNull();
    }

    @Test
    void survivesTheRollbackOfTheActItDescribes() {
        String subtype = "test-refused-" + UUID.randomUUID();
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            trail.record(new AuditRecord("E", subtype, "bob", null, null, null,
                    AuditRecord.Outcome.SERIOUS_FAILURE, "refused"));
            throw new IllegalStateException("the audited act fails");
        })).isInstanceOf(IllegalStateException.class);

        List<AuditEvent> found = repo.search(AuditEvent.class, SearchParameterMap.newSynchronous(
                AuditEvent.SP_SUBTYPE, new TokenParam(AuditTrail.SUBTYPE_SYSTEM, subtype)));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
    }
}
