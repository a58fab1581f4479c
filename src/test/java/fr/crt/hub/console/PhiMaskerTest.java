package fr.crt.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.AdtMessages;
import fr.crt.hub.support.AdtMessages.Person;
import org.junit.jupiter.api.Test;

/** Health data never reaches the page unmasked: every value of a person segment is hidden, the structure kept. */
class PhiMaskerTest {

    private final Person p = Person.of(720);
    private final String adt = AdtMessages.adt("A01", "MASK-1", p, "V720", "M720", "INSERT");

    @Test
    void personSegmentsAreMaskedValueByValue() {
        String masked = PhiMasker.mask(adt);
        assertThat(masked).doesNotContain(p.ipp(), p.nir(), p.birthName(), p.birthDate(), "LA ROCHELLE", "Lilas", "V720");
        String pid = masked.lines().filter(l -> l.startsWith("PID")).findFirst().orElseThrow();
        // set id kept, separators kept: PID-3 still shows two repetitions of four components
        assertThat(pid).startsWith("PID|1||***^^^***&***&***^***~***^^^***&***&***^***||");
    }

    @Test
    void transportSegmentsStayReadable() {
        String masked = PhiMasker.mask(adt);
        assertThat(masked).contains("MSH|^~\\&|DUI_TILLEULS|TILLEULS|", "MASK-1", "EVN||20261125101500");
    }

    @Test
    void anyUnknownOrZSegmentIsMaskedToo() {
        String msg = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|X|P|2.5\rNK1|1|DUPONT^MARIE\rZFD|||NIR123\rOBX|1|TX|||secret";
        String masked = PhiMasker.mask(msg);
        assertThat(masked).doesNotContain("DUPONT", "MARIE", "NIR123", "secret").contains("NK1|1|***^***", "ZFD|||***");
    }

    @Test
    void textThatIsNotHl7IsMaskedWhole() {
        assertThat(PhiMasker.mask("DUPONT Marie né le 01/02/1930")).isEqualTo(PhiMasker.MASK);
        assertThat(PhiMasker.mask("")).isEmpty();
        assertThat(PhiMasker.mask("MSH")).isEqualTo(PhiMasker.MASK);
    }

    @Test
    void aLineThatIsNotASegmentInsideAMessageIsMasked() {
        String msg = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|X|P|2.5\nfree text DUPONT\rPID|1||123";
        assertThat(PhiMasker.mask(msg)).doesNotContain("DUPONT", "123");
    }

    @Test
    void escapeSequencesStayInsideTheMaskedValue() {
        String msg = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|X|P|2.5\rPID|1||||O\\S\\BRIEN^ANN";
        assertThat(PhiMasker.mask(msg)).endsWith("PID|1||||***^***");
    }
}
