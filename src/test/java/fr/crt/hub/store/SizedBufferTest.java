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

    @Test
    void aShortAnnouncementGrowsTheBufferByAnEighthNotTwice() {
        SizedBuffer b = new SizedBuffer(1 << 20);
        byte[] chunk = new byte[1 << 20];
        chunk[7] = 42;
        b.write(chunk, 0, chunk.length);
        b.write(new byte[] {9}, 0, 1);
        assertThat(b.size()).isEqualTo((1 << 20) + 1);
        byte[] out = b.bytes();
        assertThat(out).hasSize((1 << 20) + 1);
        assertThat(out[7]).isEqualTo((byte) 42);
        assertThat(out[1 << 20]).isEqualTo((byte) 9);
        b.write(new byte[300_000], 0, 300_000); // more than an eighth at once: grows to what is needed
        assertThat(b.size()).isEqualTo((1 << 20) + 1 + 300_000);
    }
}
