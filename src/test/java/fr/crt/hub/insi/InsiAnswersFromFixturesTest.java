package fr.crt.hub.insi;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.InsiWireMock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * INSi answers from the public fixtures ({@code ../shared/samples/insi}) served by WireMock over mTLS, read into
 * {@link InsiAnswer}: CR 00 (INS + key, OID NIR or NIA, TIQ, INSHISTO, Corsica 2B), CR 01, CR 02. One request each.
 */
class InsiAnswersFromFixturesTest {

    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static CxfInsiClient client;

    @BeforeAll
    static void start() throws Exception {
        client = InsiTestClients.client(InsiTestClients.endpoint(3, 5, 0, 5000), meters);
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @BeforeEach
    void reset() {
        InsiWireMock.reset();
    }

    private InsiAnswer ask(String fixture) throws InsiCallFailed {
        InsiWireMock.answerWith(fixture);
        InsiAnswer a = client.searchByTraits(InsiTestClients.ECETINSI);
        assertThat(InsiWireMock.requests()).hasSize(1);
        assertThat(InsiWireMock.requests().get(0).getBodyAsString()).contains(a.messageId());
        assertThat(a.messageId()).startsWith("uuid:");
        return a;
    }

    @Test
    void cr00WithHistoryFromTest204() throws Exception {
        InsiAnswer a = ask("insi/responses/TEST_2.04_cas2_CR00_ECETINSI_PIERRE-ALAIN_with_INSHISTO.xml");
        assertThat(a.found()).isTrue();
        assertThat(a.code()).isEqualTo("00");
        assertThat(a.label()).isEqualTo("OK");
        InsiIdentity i = a.identities().get(0);
        assertThat(i.ins()).isEqualTo("109076322083489");
        assertThat(i.oid()).isEqualTo("1.2.250.1.213.1.4.8");
        assertThat(i.birthName()).isEqualTo("ECETINSI");
        assertThat(i.firstName()).isEqualTo("PIERRE-ALAIN");
        assertThat(i.firstNames()).containsExactly("PIERRE-ALAIN", "MURIEL", "FLORIANT");
        assertThat(i.sex()).isEqualTo("M");
        assertThat(i.birthDate()).isEqualTo("2009-07-14");
        assertThat(i.birthPlace()).isEqualTo("63220");
        // DateDeb/DateFin come before IdIndividu in this fixture (out of schema order): read all the same
        assertThat(i.history()).containsExactly("209076322083439", "209066322012355");
    }

    @Test
    void cr00ExtractedFixtureWithTypeMatricule() throws Exception {
        InsiIdentity i = ask("insi/extracted-from-fixtures/response_CR00_ECETINSI.xml").identities().get(0);
        assertThat(i.ins()).isEqualTo("109076322083489");
        assertThat(i.history()).containsExactly("209076322083439", "209066322012355");
        assertThat(i.firstNames()).containsExactly("PIERRE-ALAIN", "MURIEL", "FLORIANT");
    }

    @Test
    void cr00NiaOidFromTest205() throws Exception {
        InsiIdentity i = ask("insi/responses/TEST_2.05_CR00_NIA_PROVISOIRE_MATRICULE.xml").identities().get(0);
        assertThat(i.oid()).isEqualTo("1.2.250.1.213.1.4.9");
        assertThat(i.ins()).isEqualTo("109076322088835");
        assertThat(i.firstName()).isEqualTo("MATRICULE");
        assertThat(i.firstNames()).containsExactly("MATRICULE");
        assertThat(i.history()).isEmpty();
    }

    @Test
    void cr00CorsicaFromTest208Case1() throws Exception {
        InsiIdentity i = ask("insi/responses/TEST_2.08_cas1_CR00_CORSE_ANTHONY_2B.xml").identities().get(0);
        assertThat(i.ins()).isEqualTo("180032B02040123");
        assertThat(i.birthPlace()).isEqualTo("2B020");
        assertThat(i.history()).containsExactly("180032B02040123");
    }

    /** The sample's NIR keys do not check out: the client returns what INSi says, history included. */
    @Test
    void hermannWithWrongKeysIsReturnedAsSent() throws Exception {
        InsiAnswer a = ask("insi/responses/TEST_2.08_cas2_CR00_HERMANN_GATIEN.xml");
        InsiIdentity i = a.identities().get(0);
        assertThat(a.found()).isTrue();
        assertThat(i.ins()).isEqualTo("181036322045660");
        assertThat(i.history()).containsExactly("181036322045660", "281036322045610");
        assertThat(i.birthName()).isEqualTo("HERMANN");
        assertThat(i.toString()).doesNotContain("HERMANN").doesNotContain("1810363220456");
    }

    @Test
    void cr01NoIdentity() throws Exception {
        InsiAnswer a = ask("insi/responses/REP_CR01_aucune_identite.xml");
        assertThat(a.code()).isEqualTo(InsiAnswer.NOT_FOUND);
        assertThat(a.label()).isEqualTo("Aucune identite trouvee");
        assertThat(a.identities()).isEmpty();
        assertThat(a.found()).isFalse();
    }

    @Test
    void cr02SeveralIdentities() throws Exception {
        InsiAnswer a = ask("insi/extracted-from-fixtures/response_CR02_plusieurs_identites.xml");
        assertThat(a.code()).isEqualTo(InsiAnswer.SEVERAL);
        assertThat(a.identities()).isEmpty();
        assertThat(a.found()).isFalse();
    }

    @Test
    void outcomesAreCounted() throws Exception {
        double before = count("cr01");
        ask("insi/responses/REP_CR01_aucune_identite.xml");
        assertThat(count("cr01")).isEqualTo(before + 1);
        assertThat(meters.get(CxfInsiClient.METRIC_DURATION).tag("outcome", "cr01").timer().count()).isPositive();
    }

    private static double count(String outcome) {
        var c = meters.find(CxfInsiClient.METRIC_CALLS).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void freshMessageIdPerCall() throws Exception {
        InsiWireMock.answerWith("insi/responses/REP_CR01_aucune_identite.xml");
        String first = client.searchByTraits(InsiTestClients.ECETINSI).messageId();
        String second = client.searchByTraits(InsiTestClients.ECETINSI).messageId();
        assertThat(first).isNotEqualTo(second);
        assertThat(List.of(first, second)).allMatch(id -> id.matches("uuid:[0-9a-f-]{36}"));
    }
}
