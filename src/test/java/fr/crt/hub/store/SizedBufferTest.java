package fr.crt.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizedBufferTest {

    @Test
    void handsOverItsArrayWhenTheAnnouncedSizeWasRight() {
        SizedBuffer b = new SizedBuffer(3);
        b.write(new byte[] {1, 2, 3}, 0, 3);
        byte[] first = b.bytes();
        assertThat(first).containsExactly(1, 2, 3);
        assertThat(b.bytes()).isSameAs(first);
    }

    @Test
    void copiesWhenTheAnnouncementWasWrong() {
        SizedBuffer shorter = new SizedBuffer(10);
        shorter.write(new byte[] {1, 2}, 0, 2);
        assertThat(shorter.bytes()).containsExactly(1, 2);
        SizedBuffer longer = new SizedBuffer(1);
        longer.write(new byte[] {1, 2, 3, 4}, 0, 4);
        assertThat(longer.bytes()).containsExactly(1, 2, 3, 4);
        assertThat(new SizedBuffer(-5).bytes()).isEmpty();
    }
}
