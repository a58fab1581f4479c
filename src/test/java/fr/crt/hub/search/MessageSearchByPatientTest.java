package fr.crt.hub.search;

import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.OpsUsers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * The console's message search ({@code POST /api/messages/search}): ADT messages sent over MLLP are found by INS and
 * by IPP although neither is stored in a searchable column, newest first, keyset paged; every other filter narrows;
 * every bad request gets a 400 naming the field and never echoing an identifier.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageSearchByPatientTest extends HubTestBase {

    static final String TILLEULS_IPP_SYSTEM = "1.2.250.1.213.1.999.170780001.1";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JdbcUserDetailsManager users;
    @Autowired
    PasswordEncoder encoder;

    final Person anne = Person.of(7101);
    final Person other = Person.of(7102);
    Instant beforeSending;

    @BeforeAll
    void sendTraffic() throws Exception {
        OpsUsers.ensure(users, encoder);
        beforeSending = Instant.now();
        try (MllpClient c = mllp()) {
            assertThat(ackCode(c.send(AdtMessages.adt("A01", "SRCH-1", anne, "VS1", "MS1", "INSERT")))).isEqualTo("AA");
            assertThat(ackCode(c.send(AdtMessages.adt("A01", "SRCH-2", other, "VS2", "MS2", "INSERT")))).isEqualTo("AA");
            assertThat(ackCode(c.send(AdtMessages.adt("A03", "SRCH-3", anne, "VS1", "MS3", "INSERT")))).isEqualTo("AA");
        }
    }

    @BeforeEach
    void users() {
        OpsUsers.ensure(users, encoder);
    }

    private ResponseEntity<Map<String, Object>> post(TestRestTemplate as, String json) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        return as.exchange("/api/messages/search", HttpMethod.POST, new HttpEntity<>(json, h), new ParameterizedTypeReference<>() {});
    }

    private Map<String, Object> ok(String json) {
        ResponseEntity<Map<String, Object>> r = post(admin(), json);
        assertThat(r.getStatusCode()).as(r.getBody() == null ? "" : r.getBody().toString()).isEqualTo(HttpStatus.OK);
        return r.getBody();
    }

    @SuppressWarnings("unchecked")
    private static List<String> controlIds(Map<String, Object> body) {
        return ((List<Map<String, Object>>) body.get("items")).stream().map(m -> (String) m.get("controlId")).toList();
    }

    @Test
    void findsAPersonsMessagesByInsNewestFirst() {
        Map<String, Object> body = ok("{\"patient\": {\"ins\": \"" + anne.nir() + "\"}}");
        assertThat(controlIds(body)).containsExactly("SRCH-3", "SRCH-1");
        assertThat(body.get("next")).isNull();
        // the same summary lines as GET /api/messages
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) body.get("items")).get(0);
        assertThat(first).containsKeys("id", "partner", "receivedAt", "controlId", "type", "trigger", "status", "sha256");
    }

    @Test
    void findsThemByIppWithOrWithoutThePartnerAndBySystemAndValue() {
        assertThat(controlIds(ok("{\"patient\": {\"ipp\": \"" + anne.ipp() + "\", \"partner\": \"ehpad-les-tilleuls\"}}")))
                .containsExactly("SRCH-3", "SRCH-1");
        assertThat(controlIds(ok("{\"patient\": {\"ipp\": \"" + anne.ipp() + "\"}}"))).containsExactly("SRCH-3", "SRCH-1");
        assertThat(controlIds(ok("{\"partner\": \"ehpad-les-tilleuls\", \"patient\": {\"ipp\": \"" + other.ipp() + "\"}}")))
                .containsExactly("SRCH-2");
        assertThat(controlIds(ok("{\"patient\": {\"system\": \"urn:oid:" + TILLEULS_IPP_SYSTEM + "\", \"value\": \""
                + other.ipp() + "\"}}"))).containsExactly("SRCH-2");
        assertThat(controlIds(ok("{\"patient\": {\"ins\": \"" + Person.of(7199).nir() + "\"}}"))).isEmpty();
    }

    @Test
    void theIdentifiersAreNotStoredInClear() {
        List<String> keys = jdbc.queryForList("SELECT p.id_key FROM hub_message_patient p JOIN hub_message m ON m.id = p.message_id"
                + " WHERE m.control_id = 'SRCH-1'", String.class);
        assertThat(keys).hasSize(2).allSatisfy(k -> assertThat(k).hasSize(64).doesNotContain(anne.nir()).doesNotContain(anne.ipp()));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_message_patient WHERE id_key IN (?, ?)", Long.class,
                anne.nir(), anne.ipp())).isZero();
    }

    @Test
    void otherFiltersNarrowAndPagesFollowTheCursor() {
        String window = "\"from\": \"" + beforeSending + "\", \"to\": \"" + Instant.now().plusSeconds(60) + "\"";
        assertThat(controlIds(ok("{\"controlId\": \"SRCH-2\"}"))).containsExactly("SRCH-2");
        assertThat(controlIds(ok("{" + window + ", \"trigger\": \"A03\", \"patient\": {\"ins\": \"" + anne.nir() + "\"}}")))
                .containsExactly("SRCH-3");
        assertThat(controlIds(ok("{" + window + ", \"type\": \"ADT\", \"partner\": \"ehpad-les-tilleuls\","
                + " \"connector\": \"ehpad-les-tilleuls\", \"patient\": {\"ins\": \"" + anne.nir() + "\"}}"))).containsExactly("SRCH-3", "SRCH-1");
        assertThat(controlIds(ok("{\"status\": \"DEAD_LETTER\", \"patient\": {\"ins\": \"" + anne.nir() + "\"}}"))).isEmpty();
        assertThat(controlIds(ok("{\"partner\": \"chu-x-gam\", \"patient\": {\"ins\": \"" + anne.nir() + "\"}}"))).isEmpty();
        assertThat(controlIds(ok("{\"to\": \"" + beforeSending + "\", \"patient\": {\"ins\": \"" + anne.nir() + "\"}}"))).isEmpty();

        Map<String, Object> page1 = ok("{\"size\": 1, \"patient\": {\"ins\": \"" + anne.nir() + "\"}}");
        assertThat(controlIds(page1)).containsExactly("SRCH-3");
        assertThat(page1.get("next")).isNotNull();
        Map<String, Object> page2 = ok("{\"size\": 1, \"after\": \"" + page1.get("next") + "\", \"patient\": {\"ins\": \"" + anne.nir() + "\"}}");
        assertThat(controlIds(page2)).containsExactly("SRCH-1");
        assertThat(page2.get("next")).isNull();
    }

    @Test
    void badRequestsAreRefusedNamingTheFieldWithoutEchoingTheIdentifier() {
        String[][] cases = {
                {"{\"colour\": \"red\"}", "colour"},
                {"{\"status\": \"FAILED\"}", "status"},
                {"{\"status\": 3}", "status"},
                {"{\"size\": 0}", "size"},
                {"{\"size\": 201}", "size"},
                {"{\"size\": 100000000000}", "size"},
                {"{\"size\": \"ten\"}", "size"},
                {"{\"from\": \"25/11/2026\"}", "from"},
                {"{\"to\": \"2026-11-25T25:00:00Z\"}", "to"},
                {"{\"from\": \"2026-11-25T10:00:00Z\", \"to\": \"2026-11-25T09:00:00Z\"}", "from"},
                {"{\"after\": \"not-a-cursor\"}", "after"},
                {"{\"partner\": \"ehpad' OR 1=1 --\"}", "partner"},
                {"{\"patientRef\": \"Observation/1\"}", "patientRef"},
                {"{\"controlId\": \"" + "X".repeat(300) + "\"}", "controlId"},
                {"{\"patient\": \"" + anne.nir() + "\"}", "patient"},
                {"{\"patient\": {\"ins\": \"" + anne.nir().substring(0, 13) + "\"}}", "patient.ins"},
                {"{\"patient\": {\"ins\": \"" + anne.nir() + "\", \"ipp\": \"" + anne.ipp() + "\"}}", "patient"},
                {"{\"patient\": {\"ipp\": \"" + anne.ipp() + "\", \"partner\": \"nowhere\"}}", "patient.partner"},
                {"{\"patient\": {\"system\": \"not an oid\", \"value\": \"" + anne.ipp() + "\"}}", "patient.system"},
                {"{\"patient\": {\"nir\": \"" + anne.nir() + "\"}}", "patient.nir"},
                {"[1, 2]", "body"},
                {"{\"status\": ", "body"},
        };
        for (String[] c : cases) {
            ResponseEntity<Map<String, Object>> r = post(admin(), c[0]);
            assertThat(r.getStatusCode()).as(c[0]).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody()).as(c[0]).containsEntry("field", c[1]);
            assertThat(r.getBody().toString()).as(c[0]).doesNotContain(anne.nir().substring(0, 13)).doesNotContain(anne.ipp());
        }
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.TEXT_PLAIN);
        assertThat(admin().exchange("/api/messages/search", HttpMethod.POST, new HttpEntity<>("status=QUEUED", h), String.class)
                .getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void operatorsSearchAuditorsAndStrangersDoNot() {
        assertThat(post(rest.withBasicAuth(OpsUsers.OPERATOR, OpsUsers.PASSWORD), "{\"controlId\": \"SRCH-2\"}").getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(post(rest.withBasicAuth(OpsUsers.AUDITOR, OpsUsers.PASSWORD), "{}").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(post(rest, "{}").getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }
}
