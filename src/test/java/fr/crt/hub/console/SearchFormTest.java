package fr.crt.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.store.MessageQuery;
import fr.crt.hub.store.MessageStatus;
import java.nio.charset.StandardCharsets;
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
    void pid3IsMatchedOnTheFirstComponentOfAnyRepetition() {
        byte[] raw = ("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|X|P|2.5\rPID|1||IPP9^^^T&1.2&ISO^PI~180017300001234^^^INS&1.2.250.1.213.1.4.8&ISO^INS")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(PatientMessageLookup.pid3Contains(raw, "UTF-8", "IPP9")).isTrue();
        assertThat(PatientMessageLookup.pid3Contains(raw, "UTF-8", "180017300001234")).isTrue();
        assertThat(PatientMessageLookup.pid3Contains(raw, "UTF-8", "IPP")).isFalse();
        assertThat(PatientMessageLookup.pid3Contains(raw, "no-such-charset", "IPP9")).isTrue();
        assertThat(PatientMessageLookup.pid3Contains("garbage".getBytes(StandardCharsets.UTF_8), null, "IPP9")).isFalse();
        assertThat(PatientMessageLookup.pid3Contains("MSH|^~\\&|A\rPID|1".getBytes(StandardCharsets.UTF_8), null, "1")).isFalse();
    }
}
