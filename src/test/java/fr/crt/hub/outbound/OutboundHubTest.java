package fr.crt.hub.outbound;

import static fr.crt.hub.support.MllpClient.ackCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import fr.crt.hub.support.HubTestBase;
import fr.crt.hub.support.MllpClient;
import fr.crt.hub.support.OutboundTestPartners;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the outbound tests share: persons sent by the hospital CHU-X (connector chu-x-gam, no outbound side, trusts
 * its INS) or by EHPAD Les Tilleuls over the hub's MLLP port, care-circle membership through the CareTeam API, and
 * what each test partner received (EHPAD: MLLP receiver; SSIAD: WireMock FHIR server; SAAD: file drop folder).
 */
abstract class OutboundHubTest extends HubTestBase {

    static final String EHPAD = "ehpad-les-tilleuls";
    static final String SSIAD = "ssiad-du-marais";
    static final String SAAD = "saad-aide-et-vie";
    static final String HOSPITAL_IPP = "1.2.250.1.213.1.999.897406.1";
    static final String EHPAD_IPP = "1.2.250.1.213.1.999.170780001.1";
    static final String HUB_ID = "urn:oid:1.2.250.1.213.1.999.1.1";
    static final FhirContext FHIR = FhirContext.forR4Cached();

    final String run = Long.toString(System.nanoTime(), 36);

    @Autowired
    JdbcTemplate jdbc;

    static Person newPerson() {
        return Person.of(600_000 + ThreadLocalRandom.current().nextInt(300_000));
    }

    /** The message as CHU-X's GAM sends it (same content, MSH-3/4 of the hospital). */
    static String fromHospital(String adt) {
        return adt.replaceFirst("\\|DUI_TILLEULS\\|TILLEULS\\|", "|GAM|CHU-X|");
    }

    void send(String adt) throws IOException {
        try (MllpClient c = mllp()) {
            String ack = c.send(adt);
            assertThat(ackCode(ack)).as(ack).isEqualTo("AA");
        }
    }

    /** The hub's Patient id of a person, once the hub has applied its first message (searched by the sender's IPP). */
    String hubId(Person p, String ippOid) {
        String url = "/fhir/Patient?identifier=urn:oid:" + ippOid + "|" + p.ipp();
        await().atMost(WAIT).until(() -> bundle(url).getTotal() == 1);
        return bundle(url).getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    Bundle bundle(String url) {
        // no-cache: HAPI would otherwise answer a repeated search from its cached (empty) first answer for a minute
        var headers = new org.springframework.http.HttpHeaders();
        headers.setCacheControl("no-cache");
        String body = admin().exchange(url, org.springframework.http.HttpMethod.GET,
                new org.springframework.http.HttpEntity<Void>(headers), String.class).getBody();
        return FHIR.newJsonParser().parseResource(Bundle.class, body);
    }

    void join(String hubId, String finess, String role) {
        var r = admin().postForEntity("/api/care-teams/" + hubId + "/members",
                Map.of("type", "organization", "id", finess, "role", role), Map.class);
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
    }

    /**
     * Joins a partner structure and waits until it has received, delivered, the person's identity the hub sends as it
     * joins: what a test then counts with {@link #later} is what the later changes made.
     */
    void joinAndWelcome(String hubId, String finess, String role, String partner) {
        join(hubId, finess, role);
        await().atMost(WAIT).until(() -> rows(partner, hubId).size() == 1 && "DELIVERED".equals(rows(partner, hubId).get(0).get("STATUS")));
    }

    /** What came after the welcome message (the first one) of a partner that joined with {@link #joinAndWelcome}. */
    static <T> List<T> later(List<T> all) {
        return all.isEmpty() ? all : all.subList(1, all.size());
    }

    /** FHIR Bundles the SSIAD's server received about a person, in arrival order. */
    static List<Bundle> ssiadGot(String hubId) {
        List<LoggedRequest> all = OutboundTestPartners.ssiad().findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/fhir")));
        return all.stream().filter(r -> r.getBodyAsString().contains(marker(hubId)))
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> FHIR.newJsonParser().parseResource(Bundle.class, r.getBodyAsString())).toList();
    }

    /** Files the SAAD found in its folder about a person, oldest first. */
    static List<String> saadGot(String hubId) {
        Path dir = OutboundTestPartners.saad();
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted(java.util.Comparator.comparing(f -> f.toFile().lastModified())).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(s -> s.contains(marker(hubId))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the hub's id of the person appears in a Bundle it sends. */
    static String marker(String hubId) {
        return "\"system\":\"" + HUB_ID + "\",\"value\":\"" + hubId + "\"";
    }

    /** Outbound rows of one partner about one person, oldest first: status, attempts, reason. */
    List<Map<String, Object>> rows(String partner, String hubId) {
        return jdbc.queryForList("SELECT id, status, attempts, status_reason, control_id, trigger_event, replay_of FROM hub_message"
                + " WHERE transport LIKE 'out-%' AND partner_id = ? AND patient_ref = ? ORDER BY id", partner, "Patient/" + hubId);
    }
}
