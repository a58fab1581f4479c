package fr.crt.hub.bench;

import fr.crt.hub.support.HubProcess;
import fr.crt.hub.support.MssanteTestMail;
import fr.crt.hub.support.PgSchema;
import com.icegreen.greenmail.store.MailFolder;
import fr.crt.hub.xdm.Code;
import fr.crt.hub.xdm.XdmDocumentEntry;
import fr.crt.hub.xdm.XdmPackageWriter;
import fr.crt.hub.xdm.XdmSubmissionSet;
import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
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
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MSSanté inbound benchmark: mails each carrying a 1 MB PDF inside an IHE_XDM.ZIP are read from the CRT mailbox
 * (GreenMail, IMAPS) by the packaged hub (separate process, {@code -Xmx512m}, PostgreSQL): mails processed per minute
 * and the hub's peak heap (heap used over JMX, every 200 ms). Target: 600 mails/min.
 *
 * <p>Fair clock: all mails are built and put in the INBOX before the hub starts, flagged \Seen so that the hub's
 * UNSEEN poll skips them; once the hub is ready (and the Patient exists), the warm-up mails are made unseen and
 * processed (the JIT compiles the hot paths, as in a hub that has been in service for a while), then every measured
 * mail's flag is cleared at once and the clock starts. The clock stops when the store holds that many PROCESSED
 * mails. The hub still fetches every mail over IMAPS through its real connector, stores it raw, then applies it; only
 * the mail generator is taken off the clock.
 *
 * <p>Run: {@code ./mvnw -o -q -Pbench verify -Dbench.mllp.skip=true -Dbench.search.skip=true -Dbench.fhir.skip=true}.
 * Parameters: {@code bench.mails} (600), {@code bench.mail-warmup} (600 mails before the clock), {@code bench.pdf-bytes}
 * (1048576), {@code bench.mail-timeout-s} (600), {@code bench.mss.heap} (the hub's -Xmx, 512m).
 * Output carries counts, rates, sizes, CPU times per mail and load averages only.
 */
public final class MssanteBenchmark {

    private static final int MAILS = Integer.getInteger("bench.mails", 600);
    /** Mails processed before the clock, so that the JIT has compiled the hot paths (0: measure a cold hub). */
    private static final int WARMUP = Integer.getInteger("bench.mail-warmup", 600);
    private static final int PDF_BYTES = Integer.getInteger("bench.pdf-bytes", 1 << 20);
    private static final int TIMEOUT_S = Integer.getInteger("bench.mail-timeout-s", 600);
    /** The hub's -Xmx: 512m by default, the memory figure the issue asks about; larger shows what GC costs. */
    private static final String HEAP = System.getProperty("bench.mss.heap", "512m");
    private static final Path PROJECT = Path.of(System.getProperty("hub.project.dir", "")).toAbsolutePath();
    private static final String INS = "279035121518989";
    private static final String OID = "1.2.250.1.213.1.4.10";

    private MssanteBenchmark() {}

    public static void main(String[] args) {
        int status = 1;
        try {
            run();
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            System.exit(status); // the shared test PKI's WireMock (Jetty) threads would keep this JVM alive, failed or not
        }
    }

    private static void run() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        System.out.printf("MSSanté benchmark: mails=%d pdf=%d bytes cpus=%d%n", MAILS, PDF_BYTES, Runtime.getRuntime().availableProcessors());
        Path dataDir = Files.createTempDirectory("crt-hub-mss-bench-");
        PgSchema schema = PgSchema.create("mssbench_");
        String address = "crt-bench-" + run + "@crt-dev.mssante.fr";
        HubProcess hub = new HubProcess(schema, dataDir, HEAP, MssanteTestMail.hubArgs(dataDir.resolve("certs"), address));
        Path log = PROJECT.resolve("target").resolve("bench-mss-hub-" + run + ".log");
        try {
            // The whole mailbox is filled before the clock starts, flagged \\Seen so that the hub (polling UNSEEN)
            // does not see it yet: building 600 mails of 1.4 MB in this JVM is not the hub's work, and doing it while the
            // hub reads would both slow the hub and cap the measured rate at the generator's own speed.
            long g0 = System.nanoTime();
            MailFolder inbox = fillMailbox(address, run, WARMUP + MAILS);
            System.out.printf("built and stored %d mails (flagged \\Seen, hidden from the hub) in %.1f s, before the clock%n",
                    WARMUP + MAILS, (System.nanoTime() - g0) / 1e9);
            hub.start(log, Duration.ofSeconds(300));   // start-up under load can pass two minutes
            post(hub, "/fhir/Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:" + OID + "\",\"value\":\""
                    + INS + "\"}]}");
            AtomicLong peakHeap = new AtomicLong();
            javax.management.MBeanServerConnection jmx = jmx(hub);
            HeapProbe heap = heapProbe(hub, jmx);
            CpuBudget cpu = new CpuBudget(hub.pid(), threads(jmx));
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        peakHeap.accumulateAndGet(heap.used(), Math::max);
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception ignored) {
                        // a missed sample
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            System.out.printf("hub ready; load average before the clock: %s%n", loadAverage());
            List<com.icegreen.greenmail.store.StoredMessage> all = inbox.getMessages();
            if (WARMUP > 0) {
                // A hub that has just started compiles HAPI's and Hibernate's code paths as it goes (the JIT took
                // 80 ms of CPU per mail over the first 600); a hub in service has done that long ago. The cold figure
                // is printed too.
                Phase w = phase(hub, schema, cpu, all.subList(0, WARMUP), 0, peakHeap);
                System.out.printf("warm-up, hub just started: %d mails in %.1f s: %.0f mails/min (not the figure)%n%s",
                        w.processed, w.seconds, w.perMinute(), w.cpu);
            }
            peakHeap.set(0);
            Phase m = phase(hub, schema, cpu, all.subList(WARMUP, all.size()), WARMUP, peakHeap);
            sampler.interrupt();
            System.out.printf("processed %d/%d mails in %.1f s from the mails becoming visible: %.0f mails/min (target 600), hub peak heap %d MB (-Xmx%s)%n",
                    m.processed, MAILS, m.seconds, m.perMinute(), peakHeap.get() >> 20, HEAP);
            System.out.printf("hub clock, first mail stored to last PROCESSED: %.1f s, %.0f mails/min%n", m.hubSeconds, m.processed / (m.hubSeconds / 60));
            System.out.printf("load average after 60 s: %s, at the end: %s%n", m.loadDuring == null ? "n/a (under 60 s)" : m.loadDuring, loadAverage());
            System.out.print(m.cpu);
            System.out.printf("store: %s, DocumentReferences %d%n", hub.statusCounts(), hub.fhirCount("DocumentReference"));
        } finally {
            try {
                hub.stop();   // SIGTERM: a flight recording asked through hub.jvm-args is written on exit
            } finally {
                schema.close();
                MssanteTestMail.server().stop();   // its threads would keep this JVM alive
            }
        }
    }

    record Phase(long processed, double seconds, double hubSeconds, String loadDuring, String cpu) {
        double perMinute() {
            return processed / (seconds / 60);
        }
    }

    /**
     * Makes {@code mails} unseen at once (the clock starts) and waits until the store holds {@code before} + that many
     * PROCESSED mails; the hub fetches each one over IMAPS itself.
     */
    private static Phase phase(HubProcess hub, PgSchema schema, CpuBudget cpu, List<com.icegreen.greenmail.store.StoredMessage> mails,
                               long before, AtomicLong peakHeap) throws Exception {
        long lastId = lastId(schema);
        CpuBudget.Snapshot cpu0 = cpu.snapshot();
        long t0 = System.nanoTime();
        for (com.icegreen.greenmail.store.StoredMessage m : mails) m.setFlag(jakarta.mail.Flags.Flag.SEEN, false);
        long deadline = System.nanoTime() + Duration.ofSeconds(TIMEOUT_S).toNanos();
        long processed = 0;
        String loadDuring = null;
        while (System.nanoTime() < deadline && (processed = processed(schema) - before) < mails.size()) {
            Thread.sleep(200);
            if (loadDuring == null && System.nanoTime() - t0 > Duration.ofSeconds(60).toNanos()) loadDuring = loadAverage();
        }
        long t1 = System.nanoTime();
        CpuBudget.Snapshot cpu1 = cpu.snapshot();
        return new Phase(processed, (t1 - t0) / 1e9, firstStoredToLastProcessed(schema, lastId), loadDuring,
                CpuBudget.report(cpu0, cpu1, Math.max(1, processed), "mail"));
    }

    private static long lastId(PgSchema schema) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM hub_message")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Builds {@code count} distinct mails (random 1 MB PDF each, seeded) and appends them to the hub's INBOX flagged
     * \\Seen, on all cores (this happens before the clock and before the hub runs).
     */
    private static MailFolder fillMailbox(String address, String run, int count) throws Exception {
        MailFolder inbox = MssanteTestMail.server().getManagers().getImapHostManager().getInbox(MssanteTestMail.mailbox(address));
        Session session = Session.getInstance(new Properties());
        int oidRun = Math.abs(run.hashCode());
        java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
            Random random = new Random(7L + i);
            byte[] pdf = new byte[PDF_BYTES];
            random.nextBytes(pdf);
            System.arraycopy("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII), 0, pdf, 0, 9);
            try {
                MimeMessage m = mail(session, address, xdm(pdf, "1.2.250.1.999.8." + oidRun + "." + i));
                synchronized (inbox) {
                    inbox.appendMessage(m, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.SEEN), new java.util.Date());
                }
            } catch (Exception e) {
                throw new IllegalStateException("mail " + i, e);
            }
        });
        return inbox;
    }

    /** Seconds between the first mail stored by the hub and the last one PROCESSED, both on the hub's clock. */
    private static double firstStoredToLastProcessed(PgSchema schema, long afterId) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXTRACT(EPOCH FROM MAX(processed_at) - MIN(received_at)) FROM hub_message"
                     + " WHERE transport = 'mssante' AND id > " + afterId)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static byte[] xdm(byte[] pdf, String uniqueId) {
        String cx = INS + "^^^&" + OID + "&ISO^NH";
        XdmDocumentEntry e = new XdmDocumentEntry("urn:uuid:" + UUID.randomUUID(), uniqueId, "application/pdf", null, null, null,
                "Compte rendu", "20251125120000", "fr-FR", cx, null, List.of(), List.of(), new Code("10", "1.2.250.1.213.1.1.4.1", null),
                new Code("11490-0", "2.16.840.1.113883.6.1", null), new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", null),
                List.of(new Code("N", "2.16.840.1.113883.5.25", null)), null, null, pdf);
        XdmSubmissionSet ss = new XdmSubmissionSet("urn:uuid:" + UUID.randomUUID(), uniqueId + ".1", "1.2.250.1.999.8", cx,
                "20251125120000", null, new Code("11490-0", "2.16.840.1.113883.6.1", null), List.of(), List.of(), List.of());
        return new XdmPackageWriter("benchmark").write(ss, List.of(e));
    }

    static MimeMessage mail(Session session, String to, byte[] zip) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("dr.martin@test.mssante.fr"));
        m.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject("benchmark");
        MimeMultipart mp = new MimeMultipart();
        MimeBodyPart text = new MimeBodyPart();
        text.setText("benchmark");
        mp.addBodyPart(text);
        MimeBodyPart a = new MimeBodyPart();
        a.setDataHandler(new DataHandler(new ByteArrayDataSource(zip, "application/zip")));
        a.setFileName("IHE_XDM.ZIP");
        mp.addBodyPart(a);
        m.setContent(mp);
        m.saveChanges();
        return m;
    }

    private static long processed(PgSchema schema) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM hub_message WHERE transport = 'mssante' AND status = 'PROCESSED'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    interface HeapProbe {
        long used() throws Exception;
    }

    /**
     * The hub's heap in use, read over JMX (local management agent started through the attach API): the actuator
     * endpoint authenticates each request with BCrypt, and five requests a second took about 45 % of the hub's CPU in a
     * flight recording, slowing down what is measured. Same figure (heap used, all pools); the actuator is the fallback.
     */
    private static HeapProbe heapProbe(HubProcess hub, javax.management.MBeanServerConnection jmx) {
        if (jmx != null) {
            try {
                java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.newPlatformMXBeanProxy(
                        jmx, java.lang.management.ManagementFactory.MEMORY_MXBEAN_NAME, java.lang.management.MemoryMXBean.class);
                System.out.println("heap sampled over JMX every 200 ms");
                return () -> memory.getHeapMemoryUsage().getUsed();
            } catch (Exception e) {
                // fall back below
            }
        }
        System.out.println("heap sampled through /actuator/metrics every 200 ms (no JMX)");
        return () -> heapUsed(hub);
    }

    /** The hub's platform MBeans (local management agent started through the attach API), or null. */
    private static javax.management.MBeanServerConnection jmx(HubProcess hub) {
        try {
            com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(hub.pid()));
            String url = vm.startLocalManagementAgent();
            vm.detach();
            return javax.management.remote.JMXConnectorFactory.connect(new javax.management.remote.JMXServiceURL(url))
                    .getMBeanServerConnection();
        } catch (Exception e) {
            System.out.println("JMX attach to the hub failed: " + e.getClass().getSimpleName());
            return null;
        }
    }

    private static java.lang.management.ThreadMXBean threads(javax.management.MBeanServerConnection jmx) {
        try {
            return jmx == null ? null : java.lang.management.ManagementFactory.newPlatformMXBeanProxy(jmx,
                    java.lang.management.ManagementFactory.THREAD_MXBEAN_NAME, java.lang.management.ThreadMXBean.class);
        } catch (Exception e) {
            return null;
        }
    }

    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.E+]+)");

    private static long heapUsed(HubProcess hub) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(request(hub, "/actuator/metrics/jvm.memory.used?tag=area:heap").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = VALUE.matcher(r.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static void post(HubProcess hub, String path, String json) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(request(hub, path).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IllegalStateException(path + " -> " + r.statusCode());
    }

    private static HttpRequest.Builder request(HubProcess hub, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.httpPort() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + HubProcess.ADMIN_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)));
    }

}
