package fr.crt.hub.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.access.AccessMatrix;
import fr.crt.hub.access.ElementMasks;
import fr.crt.hub.connector.Connector;
import fr.crt.hub.dui.AdtMapping;
import fr.crt.hub.dui.Hl7Parsing;
import fr.crt.hub.dui.PamFrAdtMapper;
import fr.crt.hub.identity.IdentityFhir;
import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Without the hub: what a partner may read (access matrix, role = connector kind) bounds what is built for it; the INS
 * leaves only with a qualified identity; a PAM-FR message the hub builds reads back, through the hub's own inbound
 * mapper (dui.PamFrAdtMapper), as the same identity; the retry backoff doubles and is capped. Source messages:
 * support.AdtMessages (PAM-FR 2.11, fictitious persons with valid NIR keys).
 */
class WhatLeavesFollowsTheMatrixAndTheInsRulesTest {

    static final OutboundProperties PROPS = new OutboundProperties(true, Duration.ofSeconds(1), Duration.ofMinutes(5),
            Duration.ofHours(72), 0, "1.2.250.1.213.1.999.1.1", "CRT_HUB", "CRT");
    static final ElementMasks MASKS = new ElementMasks(new AccessMatrix(Path.of("mappings/access-matrix.yaml")));
    static final Connector HOSPITAL = new Connector("chu-x-gam", "CHU-X", "hospital", new Connector.Organisation("000897406", "CHU-X"),
            new Connector.Inbound("mllp", List.of("GAM"), List.of("CHU-X")), List.of(), "UTF-8", "1.2.250.1.213.1.999.897406.1",
            new Connector.InsPolicy(true, false));

    static PartnerOutbound partner(String id, String kind, String transport, Map<String, String> more) {
        Connector.Outbound o = new Connector.Outbound("true", transport, List.of("identity", "stays"), more.get("host"),
                more.get("port"), null, null, more.get("baseUrl"), more.get("directory"), more.get("format"), null);
        Connector c = new Connector(id, id, kind, new Connector.Organisation("1", id), new Connector.Inbound("fhir", List.of(), List.of()),
                List.of(), "UTF-8", "1.2.250.1.213.1.999." + id.length() + ".1", null, null, o);
        return PartnerOutbound.of(c, s -> s);
    }

    static final PartnerOutbound SAAD = partner("saad-x", "saad", "file", Map.of("directory", "/tmp/x"));
    static final PartnerOutbound EHPAD = partner("ehpad-x", "ehpad", "mllp", Map.of("host", "localhost", "port", "1"));

    /** The canonical change as the hub holds it after an A01 of the hospital for {@code p}. */
    static ChangeSnapshot admission(Person p) {
        AdtMapping m = new PamFrAdtMapper().map(Hl7Parsing.parse(AdtMessages.adt("A01", "C1", p, "V1", "M1", "INSERT")
                .replaceFirst("\\|DUI_TILLEULS\\|TILLEULS\\|", "|GAM|CHU-X|")), HOSPITAL, true);
        Encounter e = m.encounter();
        e.setId("Encounter/7/_history/1");
        // as CanonicalWriter stamps the movement on the stay's location
        (e.hasLocation() ? e.getLocation().get(e.getLocation().size() - 1) : e.addLocation())
                .addExtension(fr.crt.hub.fhir.CanonicalWriter.MOVEMENT_ID_URL, new org.hl7.fhir.r4.model.StringType(m.movement().id()));
        return new ChangeSnapshot("Patient/42", m.patient(), List.of(e), "A01");
    }

    @Test
    void aRoleThatMayNotReadStaysGetsTheIdentityOnly() {
        AccessMatrix matrix = new AccessMatrix(Path.of("src/test/resources/outbound/access-matrix-saad-no-stays.yaml"));
        assertThat(OutboundRecipients.allowedKinds(SAAD, matrix)).containsExactly("identity");
        assertThat(OutboundRecipients.allowedKinds(EHPAD, matrix)).containsExactly("identity", "stays");
        AccessMatrix shipped = new AccessMatrix(Path.of("mappings/access-matrix.yaml"));
        assertThat(OutboundRecipients.allowedKinds(SAAD, shipped)).containsExactly("identity", "stays");

        ChangeSnapshot change = admission(Person.of(11));
        Bundle forSaad = new TdduiOutboundBundleWriter(PROPS, MASKS).bundle(SAAD, change, Set.of("identity"), "b1", new Date());
        assertThat(forSaad.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient");
        Bundle full = new TdduiOutboundBundleWriter(PROPS, MASKS).bundle(SAAD, change, Set.of("identity", "stays"), "b2", new Date());
        assertThat(full.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient", "Organization", "Encounter");
        // HL7: the trigger of a stay change needs the stays kind; without identity, PID carries identifiers only
        assertThat(PamFrOutboundMapper.trigger(change, false, true)).isEqualTo("A31");
        assertThat(PamFrOutboundMapper.trigger(change, true, true)).isEqualTo("A01");
        String idsOnly = new PamFrOutboundMapper(PROPS, MASKS).build(EHPAD, change, Set.of("stays"), "A01", "X1", new Date());
        assertThat(pid(idsOnly)).doesNotContain(Person.of(11).birthName()).doesNotContain(Person.of(11).nir());
    }

    @Test
    void theInsLeavesOnlyWithAQualifiedIdentity() {
        Person p = Person.of(12);
        ChangeSnapshot change = admission(p);
        assertThat(IdentityFhir.insIdentifiers(change.patient())).isNotEmpty();
        assertThat(pid(new PamFrOutboundMapper(PROPS, MASKS).build(EHPAD, change, Set.of("identity", "stays"), "A01", "X2", new Date())))
                .contains(p.nir() + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS");
        for (String status : List.of("PROV", "DOUT", "FICT")) {
            Patient doubtful = change.patient().copy();
            // PROV alone; DOUT / FICT next to VALI (an attribute that forbids relying on the identity)
            doubtful.getExtension().removeIf(x -> IdentityFhir.EXT_IDENTITY_RELIABILITY.equals(x.getUrl()));
            org.hl7.fhir.r4.model.Extension rel = new org.hl7.fhir.r4.model.Extension(IdentityFhir.EXT_IDENTITY_RELIABILITY);
            if (!status.equals("PROV")) {
                rel.addExtension("identityStatus", new org.hl7.fhir.r4.model.Coding(IdentityFhir.CS_IDENTITY_STATUS, "VALI", null));
            }
            rel.addExtension("identityStatus", new org.hl7.fhir.r4.model.Coding(IdentityFhir.CS_IDENTITY_STATUS, status, null));
            doubtful.addExtension(rel);
            assertThat(PamFrOutboundMapper.insMayTravel(doubtful)).as(status).isFalse();
            ChangeSnapshot c = new ChangeSnapshot(change.patientRef(), doubtful, change.encounters(), "A01");
            assertThat(pid(new PamFrOutboundMapper(PROPS, MASKS).build(EHPAD, c, Set.of("identity"), "A31", "X3", new Date())))
                    .as(status).doesNotContain(p.nir());
            Bundle b = new TdduiOutboundBundleWriter(PROPS, MASKS).bundle(SAAD, c, Set.of("identity"), "b3", new Date());
            assertThat(((Patient) b.getEntryFirstRep().getResource()).getIdentifier()).as(status)
                    .noneMatch(i -> p.nir().equals(i.getValue()));
        }
    }

    @Test
    void theBuiltAdtReadsBackAsTheSameIdentityThroughTheHubsOwnMapper() {
        Person p = Person.of(13);
        ChangeSnapshot change = admission(p);
        String er7 = new PamFrOutboundMapper(PROPS, MASKS).build(EHPAD, change, Set.of("identity", "stays"), "A01", "X4", new Date());
        AdtMapping back = new PamFrAdtMapper().map(Hl7Parsing.parse(er7), HOSPITAL, true);
        Patient a = change.patient();
        Patient b = back.patient();
        assertThat(b.getNameFirstRep().getFamily()).isEqualTo(a.getNameFirstRep().getFamily());
        assertThat(b.getNameFirstRep().getGivenAsSingleString()).isEqualTo(a.getNameFirstRep().getGivenAsSingleString());
        assertThat(b.getBirthDateElement().getValueAsString()).isEqualTo(a.getBirthDateElement().getValueAsString());
        assertThat(b.getGender()).isEqualTo(a.getGender());
        assertThat(IdentityFhir.insIdentifiers(b)).extracting(i -> i.getValue()).containsExactly(p.nir());
        assertThat(IdentityFhir.statuses(b)).contains("VALI");
        assertThat(back.encounter().getIdentifier()).anyMatch(i -> "V1".equals(i.getValue()));
        assertThat(back.movement().id()).isEqualTo("M1");
    }

    @Test
    void theBackoffDoublesAndIsCapped() {
        OutboundProperties p = new OutboundProperties(true, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(72), 0,
                "1.2", "A", "F");
        assertThat(List.of(1, 2, 3, 4, 9, 10, 100)).extracting(n -> p.backoff(n).toSeconds())
                .containsExactly(1L, 2L, 4L, 8L, 256L, 300L, 300L);
    }

    @Test
    void aConnectorOutboundSectionThatCannotWorkIsRefusedWithTheField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> partner("p", "ehpad", "mllp", Map.of("host", "h")))
                .hasMessageContaining("outbound.port");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> partner("p", "ehpad", "smtp", Map.of()))
                .hasMessageContaining("outbound.transport");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> partner("p", "ssiad", "fhir", Map.of("baseUrl", "ftp://x")))
                .hasMessageContaining("baseUrl");
    }

    private static String pid(String er7) {
        for (String seg : er7.split("\r")) if (seg.startsWith("PID|")) return seg;
        throw new AssertionError("no PID");
    }
}
