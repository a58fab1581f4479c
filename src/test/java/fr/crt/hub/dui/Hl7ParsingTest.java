package fr.crt.hub.dui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Hl7ParsingTest {

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\n", "\r\n"})
    void acceptsCrLfAndCrlfSeparators(String separator) throws Exception {
        String er7 = PamFrSamples.read(PamFrSamples.ADMISSION).replace("\r\n", "\n").replace("\n", separator);
        Message message = Hl7Parsing.parse(er7);
        Terser terser = new Terser(message);
        assertThat(terser.get("/MSH-12-1")).isEqualTo("2.5");
        assertThat(terser.get("/MSH-12-3")).isEqualTo("2.11");
        assertThat(terser.get("/.PV1-19-1")).isEqualTo("000897406");
        assertThat(terser.get("/.ZBE-4")).isEqualTo("INSERT");
        assertThat(terser.get("/.ZFA-11")).isEqualTo("IC");
    }

    @Test
    void readsTheHistoricalCrlfLatin1Message() throws Exception {
        Message message = Hl7Parsing.parse(PamFrSamples.read(PamFrSamples.HISTORICAL));
        assertThat(new Terser(message).get("/MSH-12-3")).isEqualTo("2.10");
        assertThat(new Terser(message).get("/.ZFD-5")).isEqualTo("INSI");
    }

    @Test
    void garbageIsRejectedOnMsh() {
        assertThatThrownBy(() -> Hl7Parsing.parse("hello"))
                .isInstanceOfSatisfying(MessageRejectedException.class, e -> {
                    assertThat(e.location()).isEqualTo("MSH");
                    assertThat(e.reject()).isTrue();
                });
    }
}
