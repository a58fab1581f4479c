package fr.crt.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Random;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Binary;
import org.junit.jupiter.api.Test;

class Base64BinariesTest {

    @Test
    void theFastPathIsInUseWithThisHapiVersion() {
        // if this fails after a HAPI upgrade, the fields were renamed: values stay right but encoding is slow again
        assertThat(Base64Binaries.direct()).isTrue();
    }

    @Test
    void makesTheSameElementAsHapi() {
        for (int size : new int[] {0, 1, 2, 3, 57, 58, 1 << 16, (1 << 20) + 1}) {
            byte[] bytes = new byte[size];
            new Random(size).nextBytes(bytes);
            Base64BinaryType ours = Base64Binaries.of(bytes);
            Base64BinaryType hapi = new Base64BinaryType(bytes);
            assertThat(ours.getValue()).as("value, %d bytes", size).isEqualTo(bytes);
            assertThat(ours.getValueAsString()).as("text, %d bytes", size).isEqualTo(hapi.getValueAsString());
            assertThat(ours.isEmpty()).isEqualTo(hapi.isEmpty());
            assertThat(ours.hasValue()).isEqualTo(hapi.hasValue());
            assertThat(ours.equalsDeep(hapi)).isTrue();
            assertThat(ours.copy().getValueAsString()).isEqualTo(hapi.getValueAsString());
        }
        assertThat(Base64Binaries.of(null).getValue()).isNull();
        assertThat(Base64Binaries.of(null).isEmpty()).isTrue();
    }

    @Test
    void encodesAndParsesBackLikeHapi() {
        byte[] bytes = new byte[70_000];
        new Random(3).nextBytes(bytes);
        FhirContext ctx = FhirContext.forR4Cached();
        Binary ours = new Binary().setContentType("application/pdf");
        ours.setDataElement(Base64Binaries.of(bytes));
        Binary hapi = new Binary().setContentType("application/pdf").setData(bytes);
        String json = ctx.newJsonParser().encodeResourceToString(ours);
        assertThat(json).isEqualTo(ctx.newJsonParser().encodeResourceToString(hapi));
        assertThat(ctx.newJsonParser().parseResource(Binary.class, json).getData()).isEqualTo(bytes);
    }
}
