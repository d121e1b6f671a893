package io.sdfleet.worker.store;

import java.time.Duration;

/**
 * {@link Retrier} gave up: the store stayed unavailable until the retry deadline. Still a
 * {@link StoreUnavailableException}: the job is not done, its record must not be committed, and it will be
 * redelivered (e.g. after a seek back or to the next owner of the partition). The cause is the last failure.
 */
public class StoreRetriesExhaustedException extends StoreUnavailableException {

    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final Duration elapsed;

    public StoreRetriesExhaustedException(String operation, int attempts, Duration elapsed,
            StoreUnavailableException last) {
        super(operation + ": store still unavailable after " + attempts + " attempts in " + elapsed.toMillis()
                + " ms: " + last.getMessage(), last);
        this.attempts = attempts;
        this.elapsed = elapsed;
    }

    /** How many attempts were made. */
    public int attempts() {
        return attempts;
    }

    /** Time from the first attempt to giving up. */
    public Duration elapsed() {
        return elapsed;
    }
}
