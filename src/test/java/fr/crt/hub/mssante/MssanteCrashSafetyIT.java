package fr.crt.hub.mssante;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.crt.hub.support.HubProcess;
import fr.crt.hub.support.MssanteTestMail;
import fr.crt.hub.support.PgSchema;
import fr.crt.hub.xdm.XdmFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN rule 1 for mail, with a real crash: the packaged hub (separate process, PostgreSQL) reads a mailbox full of
 * XDM mails from GreenMail over IMAPS and is killed (SIGKILL) while it is storing them; restarted on the same data.
 * A mail stored but not yet flagged SEEN when the hub died is read again: it must be stored as a DUPLICATE, and
 * every mail must end PROCESSED exactly once with exactly one DocumentReference.
 * Runs in {@code verify} against {@code target/crt-hub.jar}; needs PostgreSQL on 127.0.0.1:5432.
 */
class MssanteCrashSafetyIT {

    private static final Logger log = LoggerFactory.getLogger(MssanteCrashSafetyIT.class);
    private static final int MAILS = Integer.getInteger("crash.mails", 120);
    private static final Path TARGET = Path.of(System.getProperty("hub.project.dir", "")).toAbsolutePath().resolve("target");
    /** Start-up under load (other JVMs on 2 cores) can pass two minutes. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Integer.getInteger("crash.start-timeout-s", 300));
    static final String INS = "279035121518989";

    @Test
    void killedWhileReadingTheMailboxThenRestartedAppliesEveryMailOnce() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        Path dataDir = Files.createTempDirectory("crt-hub-mss-crash-");
        PgSchema schema = PgSchema.create("msscrash_");
        String address = "crt-crash-" + run + "@crt-dev.mssante.fr";
        HubProcess hub = null;
        try {
            hub = new HubProcess(schema, dataDir, "512m", MssanteTestMail.hubArgs(dataDir.resolve("certs"), address));
            hub.start(TARGET.resolve("mss-crash-hub-1-" + run + ".log"), START_TIMEOUT);
            createPatient(hub);

            List<String> ids = new ArrayList<>();
            XdmFixtures.Doc base = XdmFixtures.ldlSes(INS);
            for (int i = 0; i < MAILS; i++) {
                String id = Mails.newMessageId();
                ids.add(id);
                XdmFixtures.Doc doc = new XdmFixtures.Doc(base.content(), base.mimeType(), base.typeCode(), base.classCode(),
                        base.formatCode(), INS, "1.2.250.1.999.9." + run.hashCode() + "." + i);
                MssanteTestMail.mailbox(address).deliver(Mails.mail(address, id, false, "IHE_XDM.ZIP", "application/zip",
                        XdmFixtures.xdm(doc)));
            }
            HubProcess h = hub;
            await("a third of the mails stored").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> rows(schema).size() >= MAILS / 3);
            hub.kill();
            int storedAtKill = rows(schema).size();
            log.info("mail crash test: hub killed with {} of {} mails stored", storedAtKill, MAILS);
            assertThat(storedAtKill).isLessThan(MAILS);

            hub.start(TARGET.resolve("mss-crash-hub-2-" + run + ".log"), START_TIMEOUT);
            await("every mail processed").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .failFast("hub process exited", () -> !h.isAlive())
                    .until(() -> rows(schema).values().stream().filter(r -> r.equals("PROCESSED")).count() == MAILS
                            && h.pendingCount() == 0);

            Map<String, List<String>> byId = new HashMap<>();
            try (Connection c = schema.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT control_id, status FROM hub_message WHERE transport = 'mssante'")) {
                while (rs.next()) byId.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
            List<String> violations = new ArrayList<>();
            long duplicates = 0;
            for (String id : ids) {
                List<String> st = byId.getOrDefault(id, List.of());
                long processed = st.stream().filter("PROCESSED"::equals).count();
                duplicates += st.stream().filter("DUPLICATE"::equals).count();
                if (processed != 1 || st.stream().anyMatch(x -> !x.equals("PROCESSED") && !x.equals("DUPLICATE"))) {
                    violations.add(id + " " + st);
                }
            }
            log.info("mail crash test: {} mails processed once, {} re-read copies stored as DUPLICATE, statuses {}", MAILS,
                    duplicates, hub.statusCounts());
            assertThat(violations).as("mails not PROCESSED exactly once").isEmpty();
            assertThat(hub.fhirCount("DocumentReference")).isEqualTo(MAILS);
        } finally {
            try {
                if (hub != null) hub.kill();
            } finally {
                schema.close();
            }
        }
    }

    /** Non-duplicate mail rows by Message-ID → status. */
    private static Map<String, String> rows(PgSchema schema) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = schema.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT control_id, status FROM hub_message WHERE transport = 'mssante' AND status <> 'DUPLICATE'")) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    private static void createPatient(HubProcess hub) throws Exception {
        String json = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:" + XdmFixtures.INS_TEST_OID
                + "\",\"value\":\"" + INS + "\"}],\"name\":[{\"family\":\"TEST\"}]}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + hub.httpPort() + "/fhir/Patient"))
                .header("Content-Type", "application/fhir+json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + HubProcess.ADMIN_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
}
