package io.sdfleet.producer;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.producer.kafka.CompletionReader;
import io.sdfleet.producer.kafka.StartPosition;
import org.apache.kafka.clients.consumer.Consumer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Waits for the completion events of given jobs: opens a {@link CompletionReader} with its own consumer
 * for the duration of one call, reads from the start position until every job has a completion or the
 * timeout runs out, and closes it.
 *
 * <p>Why one consumer per call: a KafkaConsumer is single-threaded, while {@code awaitCompletion} may be
 * called from many threads at once; a call costs one connection and a metadata round trip, so callers
 * with many jobs use {@code awaitCompletions} (one consumer for all). The first completion seen for a job
 * wins; a redelivered job's second completion is ignored. Thread-safe (holds no state between calls).
 */
final class CompletionWaiter {

    /** Longest single poll, so that the deadline is checked often. */
    private static final Duration POLL_SLICE = Duration.ofMillis(250);

    private final Function<Map<String, Object>, Consumer<String, byte[]>> consumerFactory;
    private final Map<String, Object> consumerProperties;
    private final String topic;
    private final Duration metadataTimeout;
    private final String bootstrapServers;

    CompletionWaiter(Function<Map<String, Object>, Consumer<String, byte[]>> consumerFactory,
            Map<String, Object> consumerProperties, String topic, Duration metadataTimeout, String bootstrapServers) {
        this.consumerFactory = consumerFactory;
        this.consumerProperties = Map.copyOf(consumerProperties);
        this.topic = topic;
        this.metadataTimeout = metadataTimeout;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * @return the completion of every job, in the order of {@code jobIds}
     * @throws CompletionTimeoutException when some jobs had none within the timeout (carries the others)
     * @throws KafkaUnavailableException  when no broker answered
     */
    Map<String, Completion> await(Set<String> jobIds, StartPosition start, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Completion> found = new LinkedHashMap<>();
        JobCodec codec = JobCodec.shared();
        try (CompletionReader reader = new CompletionReader(consumerFactory.apply(consumerProperties), topic, start,
                metadataTimeout, bootstrapServers, codec::decodeCompletion)) {
            while (found.size() < jobIds.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Duration slice = Duration.ofNanos(Math.min(left, POLL_SLICE.toNanos()));
                for (Completion c : reader.poll(slice)) {
                    if (jobIds.contains(c.jobId())) {
                        found.putIfAbsent(c.jobId(), c);
                    }
                }
            }
        }
        Map<String, Completion> ordered = new LinkedHashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (String id : jobIds) {
            Completion c = found.get(id);
            if (c == null) {
                missing.add(id);
            } else {
                ordered.put(id, c);
            }
        }
        if (!missing.isEmpty()) {
            throw new CompletionTimeoutException(missing, ordered, timeout);
        }
        return ordered;
    }
}
