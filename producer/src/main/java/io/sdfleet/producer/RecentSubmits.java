package io.sdfleet.producer;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When this producer submitted each of its most recent jobs, so that {@code awaitCompletion} can start
 * reading the completion topic just before the submit instead of at the beginning.
 *
 * <p>Bounded: the oldest entries are forgotten past {@code capacity} (a forgotten UUIDv7 job id still
 * carries its own time). Thread-safe through one lock; each operation is a map access.
 */
final class RecentSubmits {

    private final Map<String, Instant> times;

    RecentSubmits(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.times = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void record(String jobId, Instant at) {
        times.putIfAbsent(jobId, at);
    }

    synchronized Optional<Instant> submittedAt(String jobId) {
        return Optional.ofNullable(times.get(jobId));
    }
}
