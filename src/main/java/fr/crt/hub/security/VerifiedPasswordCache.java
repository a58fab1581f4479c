package fr.crt.hub.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a few minutes, that a presented password matched a stored bcrypt hash, so that an API client
 * sending HTTP Basic on every request pays bcrypt (about 50 ms of CPU at strength 10) once per period instead of
 * once per request — the way Apache's mod_authn_socache does it.
 *
 * <p>What is kept is an HMAC, under a key that lives only in this process, of user name, stored hash and presented
 * password: never the password. The stored hash is part of the key, so a password change makes every earlier
 * entry useless at once; the account itself (enabled, locked) is still loaded and checked on every request.
 */
final class VerifiedPasswordCache {

    private final byte[] key = new byte[32];
    private final Map<String, Long> verifiedUntil = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;

    VerifiedPasswordCache(Duration ttl, int maxEntries, Clock clock) {
        new SecureRandom().nextBytes(key);
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    boolean isVerified(String username, String storedHash, CharSequence presented) {
        Long until = verifiedUntil.get(fingerprint(username, storedHash, presented));
        return until != null && until > clock.millis();
    }

    void remember(String username, String storedHash, CharSequence presented) {
        long now = clock.millis();
        if (verifiedUntil.size() >= maxEntries) {
            verifiedUntil.values().removeIf(until -> until <= now);
            if (verifiedUntil.size() >= maxEntries) {
                verifiedUntil.clear(); // many live entries: start over rather than grow; the cost is bcrypt again
            }
        }
        verifiedUntil.put(fingerprint(username, storedHash, presented), now + ttl.toMillis());
    }

    int size() {
        return verifiedUntil.size();
    }

    private String fingerprint(String username, String storedHash, CharSequence presented) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(storedHash.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(presented.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
