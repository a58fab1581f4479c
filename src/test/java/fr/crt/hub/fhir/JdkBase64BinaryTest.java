package fr.crt.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Random;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Binary;
import org.junit.jupiter.api.Test;

class JdkBase64BinaryTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void sameTextAndBytesAsHapisOwnType() {
        for (int size : new int[] {0, 1, 2, 3, 57, 1000, 70_001}) {
            byte[] bytes = new byte[size];
            new Random(size).nextBytes(bytes);
            JdkBase64Binary jdk = new JdkBase64Binary(bytes);
            assertThat(jdk.getValueAsString()).isEqualTo(new Base64BinaryType(bytes).getValueAsString());
            assertThat(jdk.copy().getValue()).isEqualTo(bytes);
            assertThat(jdk.copy()).isInstanceOf(JdkBase64Binary.class);
        }
    }

    @Test
    void aBinaryRoundTripsThroughJson() {
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        Binary b = new Binary().setContentType("application/pdf");
        b.setDataElement(new JdkBase64Binary(bytes));
        String json = FHIR.newJsonParser().encodeResourceToString(b);
        Binary back = FHIR.newJsonParser().parseResource(Binary.class, json);
        assertThat(back.getData()).isEqualTo(bytes);
        assertThat(json).isEqualTo(FHIR.newJsonParser().encodeResourceToString(new Binary().setContentType("application/pdf").setData(bytes)));
    }
}
