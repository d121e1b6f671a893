package io.sdfleet.worker.store;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How long and how often the worker retries an object-store call that failed transiently
 * ({@link StoreUnavailableException}); see {@link Retrier} and {@link Backoff}.
 *
 * <p>While a store call is being retried its job is not done and its record is not committed; once the
 * deadline passes the call fails with {@link StoreRetriesExhaustedException} (the job is then redelivered,
 * never marked done).
 *
 * @param baseDelay upper bound of the first backoff delay
 * @param maxDelay  largest backoff delay
 * @param deadline  time after the first attempt after which no retry is started (zero: no retries)
 */
public record StoreRetrySettings(Duration baseDelay, Duration maxDelay, Duration deadline) {

    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(5);

    public static final Setting<Duration> BASE_DELAY = Setting.duration("SDFLEET_S3_RETRY_BASE_DELAY",
            DEFAULT_BASE_DELAY, Duration.ofMillis(1), Duration.ofMinutes(1),
            "Upper bound of the first delay before retrying a failed S3 call (doubles per attempt, full jitter).");
    public static final Setting<Duration> MAX_DELAY = Setting.duration("SDFLEET_S3_RETRY_MAX_DELAY",
            DEFAULT_MAX_DELAY, Duration.ofMillis(1), Duration.ofMinutes(10),
            "Largest delay between two retries of a failed S3 call.");
    public static final Setting<Duration> DEADLINE = Setting.duration("SDFLEET_S3_RETRY_DEADLINE", DEFAULT_DEADLINE,
            Duration.ZERO, Duration.ofHours(24),
            "How long an S3 call is retried before the job is given up for redelivery (not committed).");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(BASE_DELAY, MAX_DELAY, DEADLINE);

    public StoreRetrySettings {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(deadline, "deadline");
    }

    /** The defaults. */
    public static StoreRetrySettings defaults() {
        return new StoreRetrySettings(DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY, DEFAULT_DEADLINE);
    }

    /** Reads these settings into a shared reader; call {@link ConfigReader#throwIfInvalid()} before use. */
    public static StoreRetrySettings read(ConfigReader reader) {
        Duration base = reader.get(BASE_DELAY);
        Duration max = reader.get(MAX_DELAY);
        if (max.compareTo(base) < 0) {
            reader.problem(MAX_DELAY, "must be at least " + BASE_DELAY.name() + " (" + base.toMillis() + " ms)");
            max = base;
        }
        return new StoreRetrySettings(base, max, reader.get(DEADLINE));
    }
}
