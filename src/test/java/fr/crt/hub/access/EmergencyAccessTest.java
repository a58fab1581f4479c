package fr.crt.hub.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Emergency access: only the roles the matrix names, a reason, and a grant that ends. */
class EmergencyAccessTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final AccessMatrix matrix = new AccessMatrix(AccessMatrixTest.FILE);
    final MovableClock clock = new MovableClock();
    final EmergencyAccess emergency = new EmergencyAccess(matrix, clock);
    final CareIdentity doctor = new CareIdentity(CareIdentity.Kind.PROFESSIONAL, "810001", "10", "F1", null);

    @Test
    void aGrantLastsTheMatrixDurationForThatCallerOnly() {
        Instant until = emergency.open(doctor, "Patient/1", "unconscious at the emergency room");
        assertThat(until).isEqualTo(clock.now.plus(matrix.emergencyDuration()));
        assertThat(emergency.openFor(doctor)).containsExactly("Patient/1");
        CareIdentity other = new CareIdentity(CareIdentity.Kind.PROFESSIONAL, "810002", "10", "F1", null);
        assertThat(emergency.openFor(other)).isEmpty();
        clock.now = until.minus(Duration.ofSeconds(1));
        assertThat(emergency.openFor(doctor)).containsExactly("Patient/1");
        clock.now = until;
        assertThat(emergency.openFor(doctor)).isEmpty();
    }

    @Test
    void rolesNotNamedAndMissingReasonsAreRefused() {
        CareIdentity helper = new CareIdentity(CareIdentity.Kind.STRUCTURE_USER, "u1", "home-help-worker", "S1", null);
        assertThatThrownBy(() -> emergency.open(helper, "Patient/1", "fell")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> emergency.open(doctor, "Patient/1", " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emergency.open(doctor, "Patient/1", null)).isInstanceOf(IllegalArgumentException.class);
        CareIdentity admin = new CareIdentity(CareIdentity.Kind.HUB_ADMIN, "admin", "ADMIN", null, null);
        assertThatThrownBy(() -> emergency.open(admin, "Patient/1", "why")).isInstanceOf(IllegalStateException.class);
        assertThat(emergency.openFor(doctor)).isEmpty();
    }
}
