package fr.crt.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.fhir.CanonicalRepository;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.OpsUsers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * The audit viewer's API: who saw which person's data, when, why — AuditEvents written by {@link AuditTrail} found by
 * patient (id, or INS in a POST body), user, subtype and dates, newest first, paged; auditors and admins only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditEventsApiTest extends HubTestBase {

    @Autowired
    AuditTrail trail;
    @Autowired
    CanonicalRepository repo;
    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    PasswordEncoder encoder;

    final Person person = Person.of(7301);
    String patientRef;
    String otherRef;
    Instant start;

    @BeforeAll
    void audit() {
        OpsUsers.ensure(users, encoder);
        start = Instant.now();
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:oid:1.2.250.1.213.1.4.8").setValue(person.nir());
        patientRef = repo.create(p).getId().toUnqualifiedVersionless().getValue();
        otherRef = repo.create(new Patient()).getId().toUnqualifiedVersionless().getValue();
        trail.record(new AuditRecord("R", "message-reveal", "audit-alice", "OPERATOR", patientRef, "hub-message/1",
                AuditRecord.Outcome.SUCCESS, "vérification de l'admission"));
        trail.record(new AuditRecord("R", "fhir-read", "audit-bob", "OPERATOR", patientRef, null,
                AuditRecord.Outcome.SUCCESS, null));
        trail.record(new AuditRecord("R", "fhir-read", "audit-alice", "OPERATOR", otherRef, null,
                AuditRecord.Outcome.MINOR_FAILURE, "refused: no consent"));
    }

    private TestRestTemplate auditor() {
        return rest.withBasicAuth(OpsUsers.AUDITOR, OpsUsers.PASSWORD);
    }

    private ResponseEntity<Map<String, Object>> get(TestRestTemplate as, String query) {
        return as.exchange("/api/audit-events" + query, HttpMethod.GET, null, new ParameterizedTypeReference<>() {});
    }

    private ResponseEntity<Map<String, Object>> post(TestRestTemplate as, String json) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        return as.exchange("/api/audit-events/search", HttpMethod.POST, new HttpEntity<>(json, h), new ParameterizedTypeReference<>() {});
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(ResponseEntity<Map<String, Object>> r) {
        assertThat(r.getStatusCode()).as(String.valueOf(r.getBody())).isEqualTo(HttpStatus.OK);
        return (List<Map<String, Object>>) r.getBody().get("items");
    }

    @Test
    void whoSawWhichPersonWhenAndWhy() {
        List<Map<String, Object>> lines = items(get(auditor(), "?patient=" + patientRef));
        assertThat(lines).extracting(l -> l.get("who")).containsExactly("audit-bob", "audit-alice");
        Map<String, Object> reveal = lines.get(1);
        assertThat(reveal).containsEntry("what", "message-reveal").containsEntry("patient", patientRef)
                .containsEntry("outcome", "0").containsEntry("reason", "vérification de l'admission")
                .containsEntry("role", "OPERATOR").containsEntry("action", "R").containsEntry("entity", "hub-message/1");
        assertThat(Instant.parse((String) reveal.get("when"))).isAfterOrEqualTo(start.minusSeconds(1));
        // a bare id is the same patient
        assertThat(items(get(auditor(), "?patient=" + patientRef.substring("Patient/".length())))).hasSize(2);
    }

    @Test
    void filtersByUserSubtypeAndDates() {
        assertThat(items(get(auditor(), "?who=audit-alice"))).extracting(l -> l.get("patient")).containsExactly(otherRef, patientRef);
        assertThat(items(get(auditor(), "?who=audit-alice&subtype=message-reveal"))).hasSize(1);
        assertThat(items(get(auditor(), "?who=audit-alice&subtype=fhir-read")).get(0)).containsEntry("outcome", "4")
                .containsEntry("reason", "refused: no consent");
        assertThat(items(get(auditor(), "?patient=" + patientRef + "&from=" + start.minusSeconds(5)))).hasSize(2);
        assertThat(items(get(auditor(), "?patient=" + patientRef + "&from=" + Instant.now().plusSeconds(3600)))).isEmpty();
        assertThat(items(get(auditor(), "?patient=" + patientRef + "&to=" + start.minusSeconds(3600)))).isEmpty();
        assertThat(items(get(auditor(), "?who=nobody-at-all"))).isEmpty();
    }

    @Test
    void pagesNewestFirst() {
        ResponseEntity<Map<String, Object>> p0 = get(auditor(), "?patient=" + patientRef + "&size=1");
        assertThat(items(p0)).extracting(l -> l.get("who")).containsExactly("audit-bob");
        assertThat(p0.getBody()).containsEntry("more", true);
        ResponseEntity<Map<String, Object>> p1 = get(auditor(), "?patient=" + patientRef + "&size=1&page=1");
        assertThat(items(p1)).extracting(l -> l.get("who")).containsExactly("audit-alice");
        assertThat(p1.getBody()).containsEntry("more", false);
    }

    @Test
    void byInsThroughTheBody() {
        ResponseEntity<Map<String, Object>> r = post(auditor(), "{\"ins\": \"" + person.nir() + "\", \"subtype\": \"message-reveal\"}");
        assertThat(items(r)).extracting(l -> l.get("who")).containsExactly("audit-alice");
        assertThat(r.getBody()).containsEntry("patientsMatched", 1);
        ResponseEntity<Map<String, Object>> none = post(auditor(), "{\"ins\": \"" + Person.of(7399).nir() + "\"}");
        assertThat(items(none)).isEmpty();
        assertThat(none.getBody()).containsEntry("patientsMatched", 0);
        assertThat(items(post(admin(), "{\"patient\": \"" + patientRef + "\", \"who\": \"audit-bob\"}"))).hasSize(1);
    }

    @Test
    void onlyAuditorsAndAdminsReadTheTrail() {
        TestRestTemplate operator = rest.withBasicAuth(OpsUsers.OPERATOR, OpsUsers.PASSWORD);
        assertThat(get(operator, "?patient=" + patientRef).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(post(operator, "{\"ins\": \"" + person.nir() + "\"}").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(get(rest, "").getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(get(admin(), "?patient=" + patientRef).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void badQueriesAreRefusedNamingTheParameter() {
        String[][] gets = {
                {"?size=500", "size"}, {"?size=0", "size"}, {"?size=ten", "size"}, {"?page=-1", "page"},
                {"?from=yesterday", "from"}, {"?to=2026-13-01T00:00:00Z", "to"},
                {"?from=2026-11-25T10:00:00Z&to=2026-11-25T09:00:00Z", "from"},
                {"?ins=" + person.nir(), "ins"}, {"?patient=Patient/1%20OR%201=1", "patient"},
                {"?who=a%27%3Bdrop", "who"}, {"?page=9999&size=200", "page"}, {"?subtype=" + "x".repeat(200), "subtype"},
        };
        for (String[] c : gets) {
            ResponseEntity<Map<String, Object>> r = get(auditor(), c[0]);
            assertThat(r.getStatusCode()).as(c[0]).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody()).as(c[0]).containsEntry("field", c[1]);
        }
        String[][] posts = {
                {"{\"ins\": \"" + person.nir().substring(0, 12) + "\"}", "ins"},
                {"{\"ins\": \"" + person.nir() + "\", \"patient\": \"" + patientRef + "\"}", "ins"},
                {"{\"ins\": 12}", "ins"}, {"{\"size\": \"ten\"}", "size"}, {"{\"size\": 1000}", "size"},
                {"{\"nir\": \"" + person.nir() + "\"}", "nir"}, {"not json", "body"}, {"[]", "body"},
        };
        for (String[] c : posts) {
            ResponseEntity<Map<String, Object>> r = post(auditor(), c[0]);
            assertThat(r.getStatusCode()).as(c[0]).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody()).as(c[0]).containsEntry("field", c[1]);
            assertThat(r.getBody().toString()).doesNotContain(person.nir().substring(0, 12));
        }
    }
}
