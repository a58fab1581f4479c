package fr.crt.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedPasswordCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    };
    private final VerifiedPasswordCache cache = new VerifiedPasswordCache(Duration.ofMinutes(5), 3, clock);

    @Test
    void remembersOnlyTheExactUserHashAndPassword() {
        cache.remember("alice", "$2a$10$hash1", "secret");
        assertThat(cache.isVerified("alice", "$2a$10$hash1", "secret")).isTrue();
        assertThat(cache.isVerified("alice", "$2a$10$hash1", "secreT")).isFalse();
        assertThat(cache.isVerified("bob", "$2a$10$hash1", "secret")).isFalse();
        // the password was changed: the stored hash differs, the old entry is useless
        assertThat(cache.isVerified("alice", "$2a$10$hash2", "secret")).isFalse();
    }

    @Test
    void entriesExpire() {
        cache.remember("alice", "h", "secret");
        now.addAndGet(Duration.ofMinutes(5).toMillis() - 1);
        assertThat(cache.isVerified("alice", "h", "secret")).isTrue();
        now.addAndGet(1);
        assertThat(cache.isVerified("alice", "h", "secret")).isFalse();
    }

    @Test
    void staysBounded() {
        for (int i = 0; i < 50; i++) {
            cache.remember("user" + i, "h", "p");
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.isVerified("user49", "h", "p")).isTrue();
    }

    @Test
    void separatorsPreventAmbiguousConcatenations() {
        cache.remember("ab", "c", "d");
        assertThat(cache.isVerified("a", "bc", "d")).isFalse();
        assertThat(cache.isVerified("ab", "cd", "")).isFalse();
    }
}
