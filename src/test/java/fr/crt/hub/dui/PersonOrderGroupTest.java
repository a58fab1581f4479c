package fr.crt.hub.dui;

import static org.assertj.core.api.Assertions.assertThat;

import fr.crt.hub.support.AdtMessages;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersonOrderGroupTest {

    private static InboundVerdict verdict(String trigger, String controlId, int person) {
        var parsed = Hl7Parsing.parse(AdtMessages.adt(trigger, controlId, AdtMessages.Person.of(person), "V" + person, "M1", "INSERT"));
        return new InboundVerdict(null, parsed, null, controlId, "ADT", trigger, null, List.of());
    }

    @Test
    void onePersonsMessagesShareAGroupWhateverTheTrigger() {
        assertThat(PersonOrderGroup.of(verdict("A01", "c1", 1))).isEqualTo(PersonOrderGroup.of(verdict("A03", "c2", 1)));
    }

    @Test
    void twoPersonsGoInParallel() {
        assertThat(PersonOrderGroup.of(verdict("A01", "c1", 1))).isNotEqualTo(PersonOrderGroup.of(verdict("A01", "c2", 2)));
    }

    @Test
    void theGroupNamesNoPatientIdentifier() {
        var v = verdict("A01", "c1", 7);
        String group = PersonOrderGroup.of(v);
        String ipp = AdtMessages.Person.of(7).ipp();
        assertThat(group).doesNotContain(ipp).matches("unknown\\|[0-9a-f]{16}");
    }
}
