package io.sdfleet.worker.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs an object-store call until it succeeds, fails for a reason retrying cannot fix, the deadline passes,
 * or the thread is interrupted.
 *
 * <ul>
 *   <li>{@link StoreUnavailableException}: retried after {@link Backoff#delay(int)}, as long as the retry would
 *       start before the deadline; otherwise {@link StoreRetriesExhaustedException} (cause: the last failure).</li>
 *   <li>Any other {@link StoreException} (configuration, rejected, not found) and any RuntimeException: thrown at
 *       once.</li>
 *   <li>Interruption (shutdown): {@link InterruptedException} is thrown, during the sleep or when a failed
 *       attempt left the interrupt flag set; the flag is then cleared as the exception's contract says.</li>
 * </ul>
 *
 * <p>The sleeper and the clock are injected so that unit tests run without waiting. Stateless between calls
 * and thread-safe: the store pool shares one instance.
 */
public final class Retrier {

    /** Waits; {@link #SYSTEM} is {@link Thread#sleep}. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

        void sleep(Duration duration) throws InterruptedException;
    }

    /** One attempt of a store call that returns a value. */
    @FunctionalInterface
    public interface StoreCall<T> {
        T call() throws StoreException;
    }

    /** One attempt of a store call without a result. */
    @FunctionalInterface
    public interface StoreAction {
        void run() throws StoreException;
    }

    /**
     * Told of each failed attempt that will be retried (for a log line and the retries metric). Called on the
     * retrying thread; must not throw.
     */
    @FunctionalInterface
    public interface RetryListener {
        RetryListener NONE = (operation, attempt, failure, nextDelay) -> { };

        /**
         * @param operation what was attempted, e.g. "put images/job-1/0.png"
         * @param attempt   the attempt that failed, from 1
         * @param failure   why
         * @param nextDelay how long until the next attempt
         */
        void willRetry(String operation, int attempt, StoreUnavailableException failure, Duration nextDelay);
    }

    private final Backoff backoff;
    private final Duration deadline;
    private final Sleeper sleeper;
    private final LongSupplier nanoClock;
    private final RetryListener listener;

    /**
     * @param deadline  no retry starts later than this after the first attempt; zero means a single attempt
     * @param nanoClock monotonic nanoseconds, e.g. {@code System::nanoTime}
     */
    public Retrier(Backoff backoff, Duration deadline, Sleeper sleeper, LongSupplier nanoClock,
            RetryListener listener) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + deadline);
        }
    }

    /** A retrier for production: real sleep, {@link System#nanoTime()}, a fresh Random for jitter. */
    public static Retrier create(StoreRetrySettings settings, RetryListener listener) {
        return new Retrier(new Backoff(settings.baseDelay(), settings.maxDelay(), new Random()), settings.deadline(),
                Sleeper.SYSTEM, System::nanoTime, listener);
    }

    /**
     * Runs {@code call} until it succeeds (see the class comment for when it stops).
     *
     * @param operation names the call in logs and exceptions
     * @throws StoreRetriesExhaustedException the store stayed unavailable until the deadline
     * @throws StoreException                 a non-retriable failure of the call, unchanged
     * @throws InterruptedException           the thread was interrupted (shutdown)
     */
    public <T> T call(String operation, StoreCall<T> call) throws StoreException, InterruptedException {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(call, "call");
        long start = nanoClock.getAsLong();
        for (int attempt = 1; ; attempt++) {
            if (Thread.interrupted()) {
                throw new InterruptedException(operation + ": interrupted before attempt " + attempt);
            }
            StoreUnavailableException failure;
            try {
                return call.call();
            } catch (StoreUnavailableException e) {
                failure = e;
            }
            if (Thread.interrupted()) {
                InterruptedException interrupted = new InterruptedException(operation + ": interrupted");
                interrupted.initCause(failure);
                throw interrupted;
            }
            Duration delay = backoff.delay(attempt);
            Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
            if (elapsed.plus(delay).compareTo(deadline) > 0) {
                throw new StoreRetriesExhaustedException(operation, attempt, elapsed, failure);
            }
            listener.willRetry(operation, attempt, failure, delay);
            sleeper.sleep(delay);
        }
    }

    /** {@link #call} for a call without a result. */
    public void run(String operation, StoreAction action) throws StoreException, InterruptedException {
        Objects.requireNonNull(action, "action");
        call(operation, () -> {
            action.run();
            return null;
        });
    }
}
