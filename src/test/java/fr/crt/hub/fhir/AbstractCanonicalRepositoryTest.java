package fr.crt.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BasicAuthInterceptor;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.dui.AdtMapping;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Encounter.EncounterLocationStatus;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import fr.crt.hub.support.HubTestCommon;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The canonical repository end to end: HAPI JPA server in the application context, REST at /fhir, and the
 * semantics of {@link CanonicalWriter}. Subclasses choose the database. Every test uses fresh identifiers, so
 * the tests share one context (and one database) per subclass.
 */
abstract class AbstractCanonicalRepositoryTest extends HubTestCommon {

    static final String INS_NIR = "urn:oid:1.2.250.1.213.1.4.8";
    static final String IPP_OID = "1.2.250.1.999.1.1";
    static final String IPP = "urn:oid:" + IPP_OID;
    static final String VISIT = "urn:oid:1.2.250.1.999.1.2";
    static final Connector PARTNER = new Connector("ehpad-test", "EHPAD des tests", "ehpad",
            new Connector.Organisation("010000099", "EHPAD des tests"),
            new Connector.Inbound("mllp", List.of("DUI"), List.of("EHPAD")),
            List.of(), "UTF-8", IPP_OID, new Connector.InsPolicy(true, false));
    static final AtomicLong MESSAGE_IDS = new AtomicLong(ThreadLocalRandom.current().nextLong(1, 1L << 40));

    @Autowired FhirContext fhirContext;
    @Autowired CanonicalWriter writer;
    @Autowired CanonicalRepository repo;
    @Autowired JdbcTemplate jdbc;
    @Autowired PlatformTransactionManager transactionManager;

    @Test
    void metadataAnswersACapabilityStatement() {
        IGenericClient client = fhirContext.newRestfulGenericClient("http://localhost:" + httpPort + "/fhir");
        client.registerInterceptor(new BasicAuthInterceptor("admin", ADMIN_PASSWORD));
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
        assertThat(cs.getRestFirstRep().getResource()).anyMatch(r -> r.getType().equals("Patient"));
    }

    /**
     * Binary storage (BinaryStorageConfig): a content of 64 KB or more goes to HAPI's binary table, not into the
     * resource JSON, inside a transaction as the MSSanté writer does; a smaller one stays inline. Both read back whole
     * through the DAO and the REST API (FHIR JSON and the raw content type).
     */
    @Test
    void largeBinaryContentIsStoredOutsideTheResourceAndReadBackWhole() throws Exception {
        byte[] large = new byte[(64 << 10) + 1];
        byte[] small = new byte[(64 << 10) - 1];
        new java.util.Random(3).nextBytes(large);
        new java.util.Random(4).nextBytes(small);
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(new org.hl7.fhir.r4.model.Binary()
                .setContentType("application/pdf").setData(large)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Binary");
        tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(new org.hl7.fhir.r4.model.Binary()
                .setContentType("application/pdf").setData(small)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Binary");
        Bundle out = repo.transaction(tx);
        IdType largeId = new IdType(out.getEntry().get(0).getResponse().getLocation()).toUnqualifiedVersionless();
        IdType smallId = new IdType(out.getEntry().get(1).getResponse().getLocation()).toUnqualifiedVersionless();

        String blobs = "SELECT COUNT(*) FROM HFJ_BINARY_STORAGE_BLOB WHERE RESOURCE_ID = ?";
        assertThat(jdbc.queryForObject(blobs, Long.class, largeId.getValue())).isEqualTo(1);
        assertThat(jdbc.queryForObject(blobs, Long.class, smallId.getValue())).isZero();
        // the stored version of the large one is a few hundred bytes of JSON (blob id + hash extensions), not 87 KB of base64
        assertThat(jdbc.queryForObject("SELECT LENGTH(v.RES_TEXT_VC) FROM HFJ_RES_VER v JOIN HFJ_RESOURCE r ON r.RES_ID = v.RES_ID"
                + " WHERE r.RES_TYPE = 'Binary' AND r.FHIR_ID = ?", Integer.class, largeId.getIdPart())).isLessThan(2_000);

        assertThat(repo.read(org.hl7.fhir.r4.model.Binary.class, largeId).getData()).isEqualTo(large);
        assertThat(repo.read(org.hl7.fhir.r4.model.Binary.class, smallId).getData()).isEqualTo(small);

        java.net.http.HttpResponse<byte[]> json = getFhir(largeId.getValue(), "application/fhir+json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(fhirContext.newJsonParser().parseResource(org.hl7.fhir.r4.model.Binary.class, new String(json.body(),
                java.nio.charset.StandardCharsets.UTF_8)).getData()).isEqualTo(large);
        java.net.http.HttpResponse<byte[]> raw = getFhir(largeId.getValue(), "application/pdf");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(large);
    }

    private java.net.http.HttpResponse<byte[]> getFhir(String path, String accept) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + httpPort + "/fhir/" + path)).header("Accept", accept)
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void restApiIsNotOpenWithoutCredentials() throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + httpPort + "/fhir/Patient"))
                        .header("Accept", "application/fhir+json").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        // 401 (HTTP Basic) or 302 to a login page, depending on the security configuration; never the data
        assertThat(response.statusCode()).isIn(401, 302);
    }

    @Test
    void createsPatientEncounterAndProvenance() {
        String ins = ins(), ipp = ipp(), visit = visit();
        long msg = MESSAGE_IDS.incrementAndGet();
        WriteResult r = writer.apply(admit(ins, ipp, visit, "MVT1", "LIT-101"), PARTNER, msg, "CTRL-" + msg);

        assertThat(r.replayed()).isFalse();
        Patient p = repo.findPatientByIdentifier(INS_NIR, ins).orElseThrow();
        assertThat("Patient/" + p.getIdElement().getIdPart()).isEqualTo(r.patientId());
        assertThat(p.getIdentifier()).extracting(Identifier::getValue).contains(ins, ipp);
        assertThat(p.getNameFirstRep().getFamily()).isEqualTo("MARTIN");

        Encounter e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(e.getSubject().getReference()).isEqualTo(r.patientId());
        assertThat(e.getStatus()).isEqualTo(EncounterStatus.INPROGRESS);
        assertThat(e.getLocation()).hasSize(1);
        assertThat(movementIds(e)).containsExactly("MVT1");

        assertThat(r.written()).hasSize(2);
        assertThat(r.written().get(0)).startsWith(r.patientId() + "/_history/");
        assertThat(r.written().get(1)).startsWith("Encounter/");
        Provenance prov = repo.read(Provenance.class, new IdType(r.provenanceId()));
        assertThat(prov.getTarget()).extracting(Reference::getReference).containsExactlyElementsOf(r.written());
        assertThat(prov.getAgentFirstRep().getWho().getIdentifier().getSystem()).isEqualTo(CanonicalWriter.FINESS_SYSTEM);
        assertThat(prov.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("010000099");
        assertThat(prov.getEntityFirstRep().getWhat().getIdentifier().getSystem()).isEqualTo("urn:crt-hub:message");
        assertThat(prov.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo(String.valueOf(msg));
        assertThat(prov.getExtensionByUrl(CanonicalWriter.CONTROL_ID_URL).getValue().primitiveValue())
                .isEqualTo("CTRL-" + msg);
    }

    @Test
    void updatesThePatientFoundByIppAndUnitesIdentifiers() {
        String ins = ins(), ipp = ipp();
        Patient first = patient(null, ipp, "DURAND", "Jeanne");
        WriteResult r1 = writer.apply(mapping("A28", first, null, null, null), PARTNER, MESSAGE_IDS.incrementAndGet(), "c1");

        Patient second = patient(ins, ipp, "DURAND-LEROY", "Jeanne");
        second.setGender(AdministrativeGender.FEMALE);
        WriteResult r2 = writer.apply(mapping("A31", second, null, null, null), PARTNER, MESSAGE_IDS.incrementAndGet(), "c2");

        assertThat(r2.patientId()).isEqualTo(r1.patientId());
        assertThat(repo.searchPatientsByIdentifier(IPP, ipp)).hasSize(1);
        Patient p = repo.read(Patient.class, new IdType(r2.patientId()));
        assertThat(p.getNameFirstRep().getFamily()).isEqualTo("DURAND-LEROY");
        assertThat(p.getGender()).isEqualTo(AdministrativeGender.FEMALE);
        assertThat(p.getIdentifier()).extracting(Identifier::getValue).containsExactlyInAnyOrder(ipp, ins);
        assertThat(p.getMeta().getVersionId()).isEqualTo("2");

        // now found by INS even under another IPP (e.g. a second partner record)
        Patient third = patient(ins, ipp(), "DURAND-LEROY", "Jeanne");
        WriteResult r3 = writer.apply(mapping("A31", third, null, null, null), PARTNER, MESSAGE_IDS.incrementAndGet(), "c3");
        assertThat(r3.patientId()).isEqualTo(r1.patientId());
    }

    @Test
    void replayingTheSameMessageWritesNothing() {
        String ins = ins(), ipp = ipp(), visit = visit();
        long msg = MESSAGE_IDS.incrementAndGet();
        AdtMapping m = admit(ins, ipp, visit, "MVT1", "LIT-7");
        WriteResult first = writer.apply(m, PARTNER, msg, "c");
        WriteResult again = writer.apply(admit(ins, ipp, visit, "MVT1", "LIT-7"), PARTNER, msg, "c");

        assertThat(again.replayed()).isTrue();
        assertThat(again.patientId()).isEqualTo(first.patientId());
        assertThat(again.written()).isEqualTo(first.written());
        assertThat(again.provenanceId()).isEqualTo(first.provenanceId());
        assertThat(repo.searchProvenanceByTag("urn:crt-hub:message", String.valueOf(msg))).hasSize(1);

        // the same content delivered under a new message id (partner resend): still one patient, one stay, one location
        WriteResult resend = writer.apply(admit(ins, ipp, visit, "MVT1", "LIT-7"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        assertThat(resend.replayed()).isFalse();
        assertThat(resend.patientId()).isEqualTo(first.patientId());
        assertThat(repo.searchPatientsByIdentifier(INS_NIR, ins)).hasSize(1);
        Encounter e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(e.getLocation()).hasSize(1);
        assertThat(e.getMeta().getVersionId()).isEqualTo("1"); // nothing changed, no new version
    }

    @Test
    void transferThenCancelOfTheTransferRestoresTheLocation() {
        String ins = ins(), ipp = ipp(), visit = visit();
        writer.apply(admit(ins, ipp, visit, "M1", "LIT-1"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        writer.apply(movement("A02", ins, ipp, visit, "M2", "INSERT", null, "LIT-2"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");

        Encounter e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(movementIds(e)).containsExactly("M1", "M2");
        assertThat(e.getLocation().get(0).getStatus()).isEqualTo(EncounterLocationStatus.COMPLETED);
        assertThat(e.getLocation().get(0).getPeriod().hasEnd()).isTrue();

        // A12 cancels movement M2 (ZBE-4 CANCEL, ZBE-6 A02)
        writer.apply(movement("A12", ins, ipp, visit, "M2", "CANCEL", "A02", "LIT-2"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(movementIds(e)).containsExactly("M1");
        assertThat(e.getLocation().get(0).getStatus()).isEqualTo(EncounterLocationStatus.ACTIVE);
        assertThat(e.getLocation().get(0).getPeriod().hasEnd()).isFalse();

        // UPDATE of M1 replaces its entry (new bed), no duplicate
        writer.apply(movement("Z99", ins, ipp, visit, "M1", "UPDATE", "A01", "LIT-1B"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(movementIds(e)).containsExactly("M1");
        assertThat(e.getLocationFirstRep().getLocation().getDisplay()).isEqualTo("LIT-1B");
    }

    @Test
    void cancelOfDischargeAndOfAdmission() {
        String ins = ins(), ipp = ipp(), visit = visit();
        writer.apply(admit(ins, ipp, visit, "M1", "LIT-1"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        AdtMapping discharge = movement("A03", ins, ipp, visit, "M2", "INSERT", null, "LIT-1");
        discharge.encounter().setStatus(EncounterStatus.FINISHED).getPeriod().setEnd(new Date());
        writer.apply(discharge, PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        Encounter e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(e.getStatus()).isEqualTo(EncounterStatus.FINISHED);
        assertThat(e.getPeriod().hasEnd()).isTrue();

        writer.apply(movement("A13", ins, ipp, visit, "M2", "CANCEL", "A03", "LIT-1"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(e.getStatus()).isEqualTo(EncounterStatus.INPROGRESS);
        assertThat(e.getPeriod().hasEnd()).isFalse();
        assertThat(movementIds(e)).containsExactly("M1");

        writer.apply(movement("A11", ins, ipp, visit, "M1", "CANCEL", null, "LIT-1"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(e.getStatus()).isEqualTo(EncounterStatus.CANCELLED);
        assertThat(e.getLocation()).isEmpty();
    }

    @Test
    void mergeA40DeactivatesTheOldPatientAndMovesItsStays() {
        String oldIpp = ipp(), survivorIpp = ipp(), visit = visit();
        WriteResult old = writer.apply(admit(null, oldIpp, visit, "M1", "LIT-3"), PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        WriteResult survivor = writer.apply(mapping("A28", patient(ins(), survivorIpp, "BERNARD", "Paul"), null, null, null),
                PARTNER, MESSAGE_IDS.incrementAndGet(), "c");

        AdtMapping a40 = mapping("A40", patient(null, survivorIpp, "BERNARD", "Paul"), null, null,
                List.of(new Identifier().setSystem(IPP).setValue(oldIpp)));
        WriteResult r = writer.apply(a40, PARTNER, MESSAGE_IDS.incrementAndGet(), "c");

        assertThat(r.patientId()).isEqualTo(survivor.patientId());
        Patient oldP = repo.read(Patient.class, new IdType(old.patientId()));
        assertThat(oldP.getActive()).isFalse();
        assertThat(oldP.getLink()).singleElement().satisfies(l -> {
            assertThat(l.getType()).isEqualTo(LinkType.REPLACEDBY);
            assertThat(l.getOther().getReference()).isEqualTo(survivor.patientId());
        });
        Patient survivorP = repo.read(Patient.class, new IdType(survivor.patientId()));
        assertThat(survivorP.getLink()).anySatisfy(l -> {
            assertThat(l.getType()).isEqualTo(LinkType.REPLACES);
            assertThat(l.getOther().getReference()).isEqualTo(old.patientId());
        });
        Encounter e = repo.findEncounterByIdentifier(VISIT, visit).orElseThrow();
        assertThat(e.getSubject().getReference()).isEqualTo(survivor.patientId());
        assertThat(repo.searchEncountersBySubject(new IdType(old.patientId()))).isEmpty();
        assertThat(r.written()).anyMatch(w -> w.startsWith(old.patientId() + "/"))
                .anyMatch(w -> w.startsWith("Encounter/"));

        // a later message with the old IPP lands on the survivor
        WriteResult later = writer.apply(mapping("A31", patient(null, oldIpp, "BERNARD", "Paul"), null, null, null),
                PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        assertThat(later.patientId()).isEqualTo(survivor.patientId());
    }

    @Test
    void identifierChangeA47ReplacesTheIdentifierWithoutANewPatient() {
        String oldIpp = ipp(), newIpp = ipp();
        WriteResult before = writer.apply(mapping("A28", patient(null, oldIpp, "PETIT", "Marie"), null, null, null),
                PARTNER, MESSAGE_IDS.incrementAndGet(), "c");
        AdtMapping a47 = mapping("A47", patient(null, newIpp, "PETIT", "Marie"), null, null,
                List.of(new Identifier().setSystem(IPP).setValue(oldIpp)));
        WriteResult r = writer.apply(a47, PARTNER, MESSAGE_IDS.incrementAndGet(), "c");

        assertThat(r.patientId()).isEqualTo(before.patientId());
        Patient p = repo.read(Patient.class, new IdType(r.patientId()));
        assertThat(p.getIdentifier()).extracting(Identifier::getValue).contains(newIpp).doesNotContain(oldIpp);
        assertThat(repo.searchPatientsByIdentifier(IPP, oldIpp)).isEmpty();
        assertThat(repo.searchPatientsByIdentifier(IPP, newIpp)).hasSize(1);
    }

    @Test
    void jdbcAndFhirWritesShareTheJpaTransaction() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS hub_tx_probe (id VARCHAR(64))");
        String ipp = ipp();
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        tx.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO hub_tx_probe (id) VALUES (?)", ipp);
            repo.create(patient(null, ipp, "ROLLBACK", "Test"));
            status.setRollbackOnly();
        });
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_tx_probe WHERE id = ?", Integer.class, ipp)).isZero();
        assertThat(repo.searchPatientsByIdentifier(IPP, ipp)).isEmpty();

        tx.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO hub_tx_probe (id) VALUES (?)", ipp);
            repo.create(patient(null, ipp, "COMMIT", "Test"));
        });
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_tx_probe WHERE id = ?", Integer.class, ipp)).isOne();
        assertThat(repo.searchPatientsByIdentifier(IPP, ipp)).hasSize(1);
    }

    // ------------------------------------------------------------------ builders

    static String ins() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(100000000000000L, 299999999999999L));
    }

    static String ipp() {
        return "IPP" + ThreadLocalRandom.current().nextLong(1L << 40);
    }

    static String visit() {
        return "V" + ThreadLocalRandom.current().nextLong(1L << 40);
    }

    static Patient patient(String ins, String ipp, String family, String given) {
        Patient p = new Patient();
        if (ins != null) {
            p.addIdentifier().setSystem(INS_NIR).setValue(ins);
        }
        if (ipp != null) {
            p.addIdentifier().setSystem(IPP).setValue(ipp);
        }
        p.addName().setFamily(family).addGiven(given);
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1940-03-12"));
        return p;
    }

    static AdtMapping mapping(String trigger, Patient p, Encounter e, AdtMapping.Movement mv, List<Identifier> prior) {
        return new AdtMapping(trigger, p, e, mv, prior == null ? List.of() : prior, List.of());
    }

    static Encounter stay(String visit, String bed) {
        Encounter e = new Encounter();
        e.addIdentifier().setSystem(VISIT).setValue(visit);
        e.setStatus(EncounterStatus.INPROGRESS);
        e.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("IMP");
        e.getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2026-01-05T10:00:00+01:00"));
        e.addLocation().setLocation(new Reference().setDisplay(bed));
        return e;
    }

    static AdtMapping admit(String ins, String ipp, String visit, String movementId, String bed) {
        return movement("A01", ins, ipp, visit, movementId, "INSERT", null, bed);
    }

    static AdtMapping movement(String trigger, String ins, String ipp, String visit, String movementId, String action,
                               String originalTrigger, String bed) {
        return mapping(trigger, patient(ins, ipp, "MARTIN", "Louise"), stay(visit, bed),
                new AdtMapping.Movement(movementId, action, new Date(), originalTrigger), null);
    }

    static List<String> movementIds(Encounter e) {
        return e.getLocation().stream()
                .map(l -> l.getExtensionByUrl(CanonicalWriter.MOVEMENT_ID_URL).getValue().primitiveValue())
                .toList();
    }

    static String versionless(IIdType id) {
        return id.toUnqualifiedVersionless().getValue();
    }
}
