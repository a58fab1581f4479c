package fr.crt.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.PatientKeys;
import java.util.List;
import fr.crt.hub.store.MessageStatus;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The posted search form: blank fields do not filter, bad values are ignored rather than failing the page. */
class SearchFormTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void fieldsBecomeTheStoreQuery() {
        SearchForm f = new SearchForm();
        f.setPartner(" ehpad-les-tilleuls ");
        f.setType("adt");
        f.setTrigger("a01");
        f.setStatus("rejected");
        f.setFrom("2026-11-25T10:15");
        f.setControlId("CTL-1");
        f.setPage(2);
        MessageQuery q = f.toQuery(PARIS);
        assertThat(q.partnerId()).isEqualTo("ehpad-les-tilleuls");
        assertThat(q.messageType()).isEqualTo("ADT");
        assertThat(q.triggerEvent()).isEqualTo("A01");
        assertThat(q.status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-25T09:15:00Z"));
        assertThat(q.to()).isNull();
        assertThat(q.page()).isEqualTo(2);
        assertThat(q.patientRef()).isNull();
        assertThat(f.hasFilter()).isTrue();
    }

    @Test
    void malformedValuesDoNotFilter() {
        SearchForm f = new SearchForm();
        f.setStatus("NOT_A_STATUS");
        f.setFrom("yesterday");
        f.setPage(-3);
        MessageQuery q = f.toQuery(PARIS);
        assertThat(q.status()).isNull();
        assertThat(q.from()).isNull();
        assertThat(q.page()).isZero();
    }

    @Test
    void anEmptyFormHasNoFilter() {
        SearchForm f = new SearchForm();
        f.setPatient("   ");
        assertThat(f.hasFilter()).isFalse();
        assertThat(f.hasPatient()).isFalse();
    }

    @Test
    void aPatientIsSearchedByItsKeysAsAnInsAndAsAnIppOfTheGivenPartnersOnly() {
        PatientKeys keys = new PatientKeys("a-test-secret-of-enough-length");
        String nir = "180017300001234";
        assertThat(PatientMessageLookup.keys(keys, " " + nir + " ", List.of("1.2.3")))
                .containsExactly(keys.ins(nir), keys.local("1.2.3", nir));
        // an IPP is keyed under each system asked for, never as an INS
        assertThat(PatientMessageLookup.keys(keys, "IPP9", java.util.Arrays.asList("1.2.3", null, " ", "urn:oid:1.2.4")))
                .containsExactly(keys.local("1.2.3", "IPP9"), keys.local("1.2.4", "IPP9"));
        // a partner without an IPP system: the IPP matches nothing (an empty key list, not "no filter")
        assertThat(PatientMessageLookup.keys(keys, "IPP9", List.of())).isEmpty();
        assertThat(PatientMessageLookup.keys(keys, "   ", List.of("1.2.3"))).isEmpty();
        // Corsican NIR, spaces typed by the user
        assertThat(PatientMessageLookup.keys(keys, "1 80 01 2A 000 012 34", List.of()))
                .containsExactly(keys.ins("180012A00001234"));
    }
}
