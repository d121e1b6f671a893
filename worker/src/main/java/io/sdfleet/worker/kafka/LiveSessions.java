package io.sdfleet.worker.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Which tracking session of each partition is current ({@link PartitionOffsets#session}), published by the poll
 * thread for the device thread: a job taken in a session that has ended (its partition was revoked, rewound or
 * forgotten) will be delivered again, so the device drops it instead of spending device time on it.
 *
 * <p>Thread-safe: the poll thread writes (through {@link PartitionOffsets}), any thread reads.
 */
public final class LiveSessions {
    private final Map<TopicPartition, Long> current = new ConcurrentHashMap<>();

    void begin(TopicPartition partition, long session) {
        current.put(partition, session);
    }

    void end(TopicPartition partition) {
        current.remove(partition);
    }

    /** True while the session {@code job} was taken in is its partition's current one. */
    public boolean isLive(PendingJob job) {
        Long session = current.get(job.partition());
        return session != null && session == job.session();
    }
}
