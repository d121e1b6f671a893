package io.sdfleet.producer.kafka;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a {@link CompletionReader} starts reading the completion topic, on every partition.
 *
 * <p>{@link #BEGINNING} reads everything still retained, {@link #END} only what is written from now on,
 * and {@link #at(Instant)} the first record whose timestamp is at or after the instant (Kafka's
 * {@code offsetsForTimes}; a partition with no such record starts at its end).
 */
public sealed interface StartPosition {

    StartPosition BEGINNING = new Beginning();
    StartPosition END = new End();

    static StartPosition at(Instant instant) {
        return new AtTime(instant);
    }

    /** The oldest retained record. */
    record Beginning() implements StartPosition {
    }

    /** The next record written after the reader is positioned. */
    record End() implements StartPosition {
    }

    /** The first record with a timestamp at or after {@code instant}. */
    record AtTime(Instant instant) implements StartPosition {
        public AtTime {
            Objects.requireNonNull(instant, "instant");
        }
    }
}
