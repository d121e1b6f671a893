package io.sdfleet.worker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);

    @Test
    void capDoublesPerAttemptUntilMax() {
        Backoff backoff = new Backoff(BASE, MAX, new Random(1));
        Duration expected = BASE;
        for (int attempt = 1; attempt <= 10; attempt++) {
            assertEquals(expected.compareTo(MAX) < 0 ? expected : MAX, backoff.cap(attempt), "attempt " + attempt);
            expected = expected.multipliedBy(2);
        }
    }

    @Test
    void capDoesNotOverflowForHugeAttempts() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofHours(1), new Random(1));
        for (int attempt : new int[] {40, 62, 63, 64, 1000, Integer.MAX_VALUE}) {
            assertEquals(Duration.ofHours(1), backoff.cap(attempt), "attempt " + attempt);
        }
    }

    @Test
    void delayIsUniformBelowTheCap() {
        Backoff backoff = new Backoff(BASE, MAX, new Random(42));
        Set<Duration> distinct = new HashSet<>();
        for (int attempt = 1; attempt <= 8; attempt++) {
            for (int i = 0; i < 200; i++) {
                Duration d = backoff.delay(attempt);
                assertTrue(!d.isNegative() && d.compareTo(backoff.cap(attempt)) < 0, d + " for attempt " + attempt);
                distinct.add(d);
            }
        }
        assertTrue(distinct.size() > 1000, "full jitter spreads the delays: " + distinct.size() + " distinct");
    }

    @Test
    void delayScalesTheRandomFractionOfTheCap() {
        double fraction = 0.25;
        Backoff backoff = new Backoff(BASE, MAX, new FixedRandom(fraction));
        for (int attempt = 1; attempt <= 6; attempt++) {
            long capNanos = backoff.cap(attempt).toNanos();
            assertEquals((long) (fraction * capNanos), backoff.delay(attempt).toNanos());
        }
    }

    @Test
    void sameSeedSameDelays() {
        Backoff a = new Backoff(BASE, MAX, new Random(7));
        Backoff b = new Backoff(BASE, MAX, new Random(7));
        for (int attempt = 1; attempt <= 20; attempt++) {
            assertEquals(a.delay(attempt), b.delay(attempt));
        }
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, MAX, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMillis(-1), MAX, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(MAX, BASE, new Random()));
        Backoff backoff = new Backoff(BASE, MAX, new Random());
        assertThrows(IllegalArgumentException.class, () -> backoff.cap(0));
        assertThrows(IllegalArgumentException.class, () -> backoff.delay(-1));
    }

    /** A Random whose nextDouble is always the same. */
    static final class FixedRandom extends Random {
        private static final long serialVersionUID = 1L;
        private final double value;

        FixedRandom(double value) {
            this.value = value;
        }

        @Override
        public double nextDouble() {
            return value;
        }
    }
}
