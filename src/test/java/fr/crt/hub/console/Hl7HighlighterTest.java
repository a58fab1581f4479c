package fr.crt.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Segments and numbered fields for the page; the field an ERR-2 location names is marked. */
class Hl7HighlighterTest {

    private static final String MSG = "MSH|^~\\&|APP|FAC|HUB|CRT|20260101||ADT^A01|X1|P|2.5\rEVN||20260101\r"
            + "PID|1||IPP1^^^T&1.2&ISO^PI~123^^^INS||NAME^FIRST\r";

    @Test
    void mshFieldsAreNumberedFromTwo() {
        List<Hl7Highlighter.Segment> segs = Hl7Highlighter.segments(MSG, null);
        assertThat(segs).extracting(Hl7Highlighter.Segment::name).containsExactly("MSH", "EVN", "PID");
        Hl7Highlighter.Segment msh = segs.get(0);
        assertThat(msh.fields().get(0)).isEqualTo(new Hl7Highlighter.Field(2, "^~\\&", false));
        assertThat(msh.fields().get(8)).isEqualTo(new Hl7Highlighter.Field(10, "X1", false));
    }

    @Test
    void theErrorFieldIsMarkedInEitherNotation() {
        for (String location : List.of("PID-3", "PID^1^3", "PID-3-1")) {
            Hl7Highlighter.Segment pid = Hl7Highlighter.segments(MSG, location).get(2);
            assertThat(pid.fields()).filteredOn(Hl7Highlighter.Field::error).extracting(Hl7Highlighter.Field::number)
                    .as(location).containsExactly(3);
            assertThat(pid.error()).isFalse();
        }
    }

    @Test
    void aSegmentOnlyLocationMarksTheWholeLine() {
        List<Hl7Highlighter.Segment> segs = Hl7Highlighter.segments(MSG, "MSH");
        assertThat(segs.get(0).error()).isTrue();
        assertThat(segs.get(0).fields()).noneMatch(Hl7Highlighter.Field::error);
    }

    @Test
    void garbageIsOneUnnamedLine() {
        List<Hl7Highlighter.Segment> segs = Hl7Highlighter.segments("this is not HL7", "MSH");
        assertThat(segs).hasSize(1);
        assertThat(segs.get(0).name()).isEmpty();
        assertThat(segs.get(0).fields().get(0).text()).isEqualTo("this is not HL7");
    }

    @Test
    void emptyAndNullAreNoLines() {
        assertThat(Hl7Highlighter.segments(null, null)).isEmpty();
        assertThat(Hl7Highlighter.segments("", "PID-3")).isEmpty();
    }
}
