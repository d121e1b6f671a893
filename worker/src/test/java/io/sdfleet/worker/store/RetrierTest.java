package io.sdfleet.worker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(2);
    private static final double FRACTION = 0.5;

    /** Fake monotonic clock; sleeping advances it. */
    private long now = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<Integer> retriedAttempts = new ArrayList<>();
    private final List<Duration> announcedDelays = new ArrayList<>();
    private final Backoff backoff = new Backoff(BASE, MAX, new BackoffTest.FixedRandom(FRACTION));

    private Retrier retrier(Duration deadline) {
        return new Retrier(backoff, deadline, d -> {
            sleeps.add(d);
            now += d.toNanos();
        }, () -> now, (operation, attempt, failure, delay) -> {
            retriedAttempts.add(attempt);
            announcedDelays.add(delay);
        });
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static StoreUnavailableException unavailable(int n) {
        return new StoreUnavailableException("down " + n, new IOException("connection refused"));
    }

    @Test
    void retriesTransientFailuresUntilSuccess() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String result = retrier(Duration.ofMinutes(1)).call("put", () -> {
            int n = attempts.incrementAndGet();
            if (n <= 3) {
                throw unavailable(n);
            }
            return "stored";
        });
        assertEquals("stored", result);
        assertEquals(4, attempts.get());
        assertEquals(List.of(1, 2, 3), retriedAttempts);
        List<Duration> expected = List.of(backoff.delay(1), backoff.delay(2), backoff.delay(3));
        assertEquals(expected, sleeps);
        assertEquals(expected, announcedDelays);
    }

    @Test
    void nonRetriableFailuresAreThrownAtOnce() {
        List<StoreException> failures = List.of(
                new StoreConfigurationException("bad secret", null),
                new StoreRejectedException("too large", null),
                new ObjectNotFoundException("b", "k", null));
        for (StoreException failure : failures) {
            AtomicInteger attempts = new AtomicInteger();
            StoreException thrown = assertThrows(StoreException.class, () -> retrier(Duration.ofMinutes(1))
                    .call("op", () -> {
                        attempts.incrementAndGet();
                        throw failure;
                    }));
            assertSame(failure, thrown);
            assertEquals(1, attempts.get(), failure.getClass().getSimpleName());
        }
        assertTrue(sleeps.isEmpty());
        assertTrue(retriedAttempts.isEmpty());
    }

    @Test
    void runtimeExceptionsPropagate() {
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> retrier(Duration.ofMinutes(1))
                .call("op", () -> {
                    throw bug;
                })));
    }

    @Test
    void givesUpWhenTheNextRetryWouldStartAfterTheDeadline() {
        Duration deadline = Duration.ofSeconds(3);
        AtomicInteger attempts = new AtomicInteger();
        List<StoreUnavailableException> thrown = new ArrayList<>();
        long start = now;
        StoreRetriesExhaustedException e = assertThrows(StoreRetriesExhaustedException.class,
                () -> retrier(deadline).call("put k", () -> {
                    StoreUnavailableException failure = unavailable(attempts.incrementAndGet());
                    thrown.add(failure);
                    throw failure;
                }));
        Duration slept = sleeps.stream().reduce(Duration.ZERO, Duration::plus);
        assertTrue(slept.compareTo(deadline) <= 0, "slept " + slept);
        assertTrue(slept.plus(backoff.delay(attempts.get())).compareTo(deadline) > 0,
                "gave up although another retry fitted: slept " + slept);
        assertEquals(attempts.get(), e.attempts());
        assertEquals(Duration.ofNanos(now - start), e.elapsed());
        assertSame(thrown.get(thrown.size() - 1), e.getCause());
        assertEquals(attempts.get() - 1, retriedAttempts.size(), "the listener hears only of retries");
        assertTrue(attempts.get() > 2, "several attempts fit in the deadline");
    }

    @Test
    void zeroDeadlineMeansOneAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(StoreRetriesExhaustedException.class, () -> retrier(Duration.ZERO).call("op", () -> {
            throw unavailable(attempts.incrementAndGet());
        }));
        assertEquals(1, attempts.get());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void interruptedSleepStopsRetrying() {
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = new Retrier(backoff, Duration.ofMinutes(1), d -> {
            throw new InterruptedException("shutdown");
        }, () -> now, Retrier.RetryListener.NONE);
        assertThrows(InterruptedException.class, () -> retrier.call("op", () -> {
            throw unavailable(attempts.incrementAndGet());
        }));
        assertEquals(1, attempts.get());
    }

    @Test
    void interruptFlagLeftByTheCallStopsRetrying() {
        AtomicInteger attempts = new AtomicInteger();
        StoreUnavailableException failure = unavailable(1);
        InterruptedException e = assertThrows(InterruptedException.class, () -> retrier(Duration.ofMinutes(1))
                .call("op", () -> {
                    attempts.incrementAndGet();
                    Thread.currentThread().interrupt(); // what S3ImageStore does when its wait was interrupted
                    throw failure;
                }));
        assertSame(failure, e.getCause());
        assertEquals(1, attempts.get());
        assertTrue(sleeps.isEmpty());
        assertFalse(Thread.currentThread().isInterrupted(), "InterruptedException clears the flag");
    }

    @Test
    void alreadyInterruptedThreadMakesNoAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> retrier(Duration.ofMinutes(1)).run("op",
                attempts::incrementAndGet));
        assertEquals(0, attempts.get());
    }

    @Test
    void runRunsAnAction() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        retrier(Duration.ofMinutes(1)).run("op", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw unavailable(1);
            }
        });
        assertEquals(2, attempts.get());
    }

    @Test
    void createUsesTheSettings() throws Exception {
        StoreRetrySettings settings = new StoreRetrySettings(Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofSeconds(5));
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = Retrier.create(settings, (op, attempt, failure, delay) -> retries.incrementAndGet());
        assertEquals(3, (int) retrier.call("op", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw unavailable(attempts.get());
            }
            return attempts.get();
        }));
        assertEquals(2, retries.get());
    }
}
