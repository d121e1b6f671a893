package io.sdfleet.worker.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Exponential backoff with "full jitter": the delay before retry {@code n} is uniform in
 * {@code [0, min(max, base * 2^(n-1)))}. Jitter spreads the retries of a fleet of workers that all lost the
 * store at the same moment, so they do not hammer it in lock-step when it comes back.
 *
 * <p>The {@link Random} is injected so that tests are deterministic. Thread-safe as far as the Random is
 * ({@link Random} is); immutable otherwise.
 */
public final class Backoff {

    private final Duration base;
    private final Duration max;
    private final Random random;

    /**
     * @param base   upper bound of the first delay; positive
     * @param max    largest upper bound; at least {@code base}
     * @param random source of jitter
     */
    public Backoff(Duration base, Duration max, Random random) {
        this.base = Objects.requireNonNull(base, "base");
        this.max = Objects.requireNonNull(max, "max");
        this.random = Objects.requireNonNull(random, "random");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base delay must be positive: " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("max delay " + max + " is below base delay " + base);
        }
    }

    /**
     * The upper bound of the delay before retry {@code attempt}: {@code min(max, base * 2^(attempt-1))}.
     *
     * @param attempt 1 for the delay after the first failed attempt
     */
    public Duration cap(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1: " + attempt);
        }
        long baseNanos = base.toNanos();
        long maxNanos = max.toNanos();
        int shift = attempt - 1;
        // base * 2^shift without overflow: once it would pass max, it is max.
        if (shift >= 62 || baseNanos > (maxNanos >> shift)) {
            return max;
        }
        return Duration.ofNanos(Math.min(maxNanos, baseNanos << shift));
    }

    /** A random delay in {@code [0, cap(attempt))}. */
    public Duration delay(int attempt) {
        long capNanos = cap(attempt).toNanos();
        return Duration.ofNanos((long) (random.nextDouble() * capNanos));
    }

    public Duration base() {
        return base;
    }

    public Duration max() {
        return max;
    }
}
