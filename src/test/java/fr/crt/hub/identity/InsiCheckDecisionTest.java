package fr.crt.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.audit.AuditRecord;
import fr.crt.hub.identity.InsiCheckDecision.Action;
import fr.crt.hub.insi.InsiCallFailed;
import fr.crt.hub.insi.InsiIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the hub does with each INSi outcome, with a hand-written fake INSi ({@link FakeInsiClient}) scripted from the
 * fixtures of {@code ../shared/samples/insi}: only CR00 + exact match + valid INS gives RECUP; everything else is a
 * task (no INS used) or a retry.
 */
class InsiCheckDecisionTest {

    private final InsTraitComparator comparator = new InsTraitComparator();
    private final NirValidator nir = new NirValidator();

    /** TEST_2.04 / response_CR00_ECETINSI.xml: INSACTIF 1090763220834 key 89, OID NIR. */
    static InsiIdentity ecetinsi() {
        return new InsiIdentity("109076322083489", "1.2.250.1.213.1.4.8", "ECETINSI", null,
                List.of("PIERRE-ALAIN", "MURIEL", "FLORIANT"), "M", "2009-07-14", "63220",
                List.of("209076322083439", "209066322012355"));
    }

    static LocalTraits ecetinsiLocal() {
        return new LocalTraits("Ecetinsi", "Pierre-Alain", "Pierre-Alain Muriel Floriant", "M", "2009-07-14", "63220");
    }

    private InsiCheckDecision ask(FakeInsiClient insi, LocalTraits local, boolean acceptTestOids) {
        try {
            return InsiCheckDecision.onAnswer(local, insi.searchByTraits(local.toInsiTraits()), comparator, nir,
                    acceptTestOids);
        } catch (InsiCallFailed f) {
            return InsiCheckDecision.onFailure(f);
        }
    }

    @Test
    void cr00WithExactMatchAndValidKeyIsRecup() {
        FakeInsiClient insi = new FakeInsiClient().answer("00", ecetinsi());
        InsiCheckDecision d = ask(insi, ecetinsiLocal(), true);
        assertThat(d.action()).isEqualTo(Action.APPLY_RECUP);
        assertThat(d.identity().ins()).isEqualTo("109076322083489");
        assertThat(d.auditDetail()).isEqualTo("CR00 match");
        assertThat(d.auditOutcome()).isEqualTo(AuditRecord.Outcome.SUCCESS);
        // the request carried the whole birth first-name list, as received
        assertThat(insi.requests.get(0).firstNames()).containsExactly("Pierre-Alain", "Muriel", "Floriant");
    }

    @Test
    void cr00WithOneDifferingTraitIsATaskNamingTheTraitOnly() {
        LocalTraits local = new LocalTraits("ECETINSI", "PIERRE-ALAIN", "PIERRE-ALAIN MURIEL FLORIANT", "F",
                "2009-07-14", "63220");
        InsiCheckDecision d = ask(new FakeInsiClient().answer("00", ecetinsi()), local, true);
        assertThat(d.action()).isEqualTo(Action.OPEN_TASK);
        assertThat(d.task()).isEqualTo(TaskKind.TRAITS_MISMATCH);
        assertThat(d.identity()).isNull();
        assertThat(d.auditDetail()).isEqualTo("CR00 mismatch SEX").doesNotContain("ECETINSI", "1090763220834");
    }

    @Test
    void cr00WithAWrongKeyIsNotUsed() {
        // TEST_2.08_cas2_CR00_HERMANN_GATIEN.xml: INSACTIF 1810363220456 key 60 (should be 76)
        InsiIdentity hermann = new InsiIdentity("181036322045660", "1.2.250.1.213.1.4.8", "HERMANN", "GATIEN",
                List.of("GATIEN"), "M", "1981-03-24", "63220", List.of());
        LocalTraits local = new LocalTraits("HERMANN", "GATIEN", "GATIEN", "M", "1981-03-24", "63220");
        InsiCheckDecision d = ask(new FakeInsiClient().answer("00", hermann), local, true);
        assertThat(d.task()).isEqualTo(TaskKind.INS_INVALID);
        assertThat(d.auditDetail()).isEqualTo("CR00 INS key invalid");
    }

    @Test
    void corsicanNirAndNiaAreAccepted() {
        // TEST_2.08_cas1: 180032B020401 key 23 (2B -> 18 for the key)
        InsiIdentity corse = new InsiIdentity("180032B02040123", "1.2.250.1.213.1.4.8", "CORSE", "ANTHONY",
                List.of("ANTHONY"), "M", "1980-03-02", "2B020", List.of());
        assertThat(ask(new FakeInsiClient().answer("00", corse),
                new LocalTraits("CORSE", "ANTHONY", "ANTHONY", "M", "1980-03-02", "2B020"), false).action())
                .isEqualTo(Action.APPLY_RECUP);
        // TEST_2.05: NIA 1090763220888 key 35, OID .9
        InsiIdentity nia = new InsiIdentity("109076322088835", "1.2.250.1.213.1.4.9", "PROVISOIRE", "MATRICULE",
                List.of("MATRICULE"), "M", "2009-07-01", "63220", List.of());
        InsiCheckDecision d = ask(new FakeInsiClient().answer("00", nia),
                new LocalTraits("PROVISOIRE", "MATRICULE", "MATRICULE", "M", "2009-07-01", "63220"), false);
        assertThat(d.action()).isEqualTo(Action.APPLY_RECUP);
        assertThat(d.identity().oid()).isEqualTo("1.2.250.1.213.1.4.9");
    }

    @Test
    void testOidIsRefusedWhereTestOidsAreNot() {
        InsiIdentity test = new InsiIdentity("109076322083489", "1.2.250.1.213.1.4.10", "ECETINSI", null,
                List.of("PIERRE-ALAIN", "MURIEL", "FLORIANT"), "M", "2009-07-14", "63220", List.of());
        assertThat(ask(new FakeInsiClient().answer("00", test), ecetinsiLocal(), false).task())
                .isEqualTo(TaskKind.INS_INVALID);
        assertThat(ask(new FakeInsiClient().answer("00", test), ecetinsiLocal(), true).action())
                .isEqualTo(Action.APPLY_RECUP);
    }

    @Test
    void nirDigitsContradictingInsiTraitsAreNotUsed() {
        // valid key, but the sex digit (1 = male) contradicts TIQ sex F
        InsiIdentity odd = new InsiIdentity("109076322083489", "1.2.250.1.213.1.4.8", "ECETINSI", null,
                List.of("PIERRE-ALAIN"), "F", "2009-07-14", "63220", List.of());
        LocalTraits local = new LocalTraits("ECETINSI", "PIERRE-ALAIN", "PIERRE-ALAIN", "F", "2009-07-14", "63220");
        assertThat(ask(new FakeInsiClient().answer("00", odd), local, true).task()).isEqualTo(TaskKind.INS_INVALID);
    }

    @Test
    void cr01AndCr02AreTasks() {
        InsiCheckDecision none = ask(new FakeInsiClient().answer("01"), ecetinsiLocal(), true);
        assertThat(none.task()).isEqualTo(TaskKind.NOT_FOUND);
        assertThat(none.auditDetail()).isEqualTo("CR01");
        InsiCheckDecision several = ask(new FakeInsiClient().answer("02"), ecetinsiLocal(), true);
        assertThat(several.task()).isEqualTo(TaskKind.SEVERAL_IDENTITIES);
        assertThat(several.auditDetail()).isEqualTo("CR02");
        assertThat(ask(new FakeInsiClient().answer("00"), ecetinsiLocal(), true).task())
                .as("CR00 without INDIVIDU").isEqualTo(TaskKind.INSI_FAILED);
        assertThat(ask(new FakeInsiClient().answer("07"), ecetinsiLocal(), true).task()).isEqualTo(TaskKind.INSI_FAILED);
    }

    @Test
    void transientFailuresRetryOthersAreTasks() {
        for (InsiCallFailed.Kind k : List.of(InsiCallFailed.Kind.TIMEOUT, InsiCallFailed.Kind.TRANSPORT,
                InsiCallFailed.Kind.CIRCUIT_OPEN, InsiCallFailed.Kind.RATE_LIMITED)) {
            InsiCheckDecision d = ask(new FakeInsiClient().fail(new InsiCallFailed(k, "x", null)), ecetinsiLocal(), true);
            assertThat(d.action()).as(k.name()).isEqualTo(Action.RETRY_LATER);
            assertThat(d.auditDetail()).isEqualTo(k.name() + " (retry later)");
        }
        // response_SOAPFault_siram_40_insi_102.xml: "temporairement inaccessible" -> the client says retry later
        InsiCheckDecision siram40 = ask(new FakeInsiClient().fail(new InsiCallFailed(InsiCallFailed.Kind.SOAP_FAULT,
                "siram_40/insi_102", true, "temporarily unavailable", null)), ecetinsiLocal(), true);
        assertThat(siram40.action()).isEqualTo(Action.RETRY_LATER);
        assertThat(siram40.auditDetail()).isEqualTo("SOAP fault siram_40/insi_102 (retry later)");
        // response_SOAPFault_siram_100_desir_550.xml: software not authorised -> a person must act
        InsiCheckDecision siram100 = ask(new FakeInsiClient().fail(new InsiCallFailed(InsiCallFailed.Kind.SOAP_FAULT,
                "siram_100/desir_550", false, "not authorised", null)), ecetinsiLocal(), true);
        assertThat(siram100.action()).isEqualTo(Action.OPEN_TASK);
        assertThat(siram100.task()).isEqualTo(TaskKind.INSI_FAILED);
        assertThat(siram100.auditDetail()).isEqualTo("SOAP fault siram_100/desir_550");
        InsiCheckDecision malformed = ask(new FakeInsiClient().fail(new InsiCallFailed(InsiCallFailed.Kind.MALFORMED,
                "bad body", null)), ecetinsiLocal(), true);
        assertThat(malformed.task()).isEqualTo(TaskKind.INSI_FAILED);
    }

    @Test
    void backoffDoublesUpToItsCeiling() {
        IdentityProperties p = new IdentityProperties(null, null, null, null, java.time.Duration.ofMinutes(1),
                java.time.Duration.ofMinutes(30), null);
        assertThat(p.backoff(0)).hasMinutes(1);
        assertThat(p.backoff(3)).hasMinutes(8);
        assertThat(p.backoff(10)).hasMinutes(30);
    }
}
