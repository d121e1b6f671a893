package io.sdfleet.producer;

import io.sdfleet.common.fleet.FleetCodec;
import io.sdfleet.common.fleet.ProgressEvent;
import java.util.ArrayList;
import java.util.List;
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
    /** Longest single poll of each topic while progress is followed (a display refreshes about 4 times a second). */
    private static final Duration PROGRESS_SLICE = Duration.ofMillis(100);

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
        return await(jobIds, start, timeout, null, null);
    }

    /**
     * As {@link #await(Set, StartPosition, Duration)}, telling {@code listener} (when not null) the jobs' progress
     * events read from {@code progressTopic} (from the same start) and their completions. A job's progress events
     * seen after its completion are dropped: the completion is the last word.
     */
    Map<String, Completion> await(Set<String> jobIds, StartPosition start, Duration timeout,
            ProgressListener listener, String progressTopic) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Completion> found = new LinkedHashMap<>();
        JobCodec codec = JobCodec.shared();
        List<ProgressEvent> events = new ArrayList<>();
        // The progress topic read with the completion reader's positioning; its decoder collects the wanted events
        // and returns no completion.
        CompletionReader progress = listener == null ? null : new CompletionReader(
                consumerFactory.apply(consumerProperties), progressTopic, start, metadataTimeout, bootstrapServers,
                bytes -> {
                    FleetCodec.decodeProgress(bytes).filter(e -> jobIds.contains(e.jobId())).ifPresent(events::add);
                    return null;
                });
        try (CompletionReader reader = new CompletionReader(consumerFactory.apply(consumerProperties), topic, start,
                metadataTimeout, bootstrapServers, codec::decodeCompletion)) {
            Duration sliceBound = listener == null ? POLL_SLICE : PROGRESS_SLICE;
            while (found.size() < jobIds.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Duration slice = Duration.ofNanos(Math.min(left, sliceBound.toNanos()));
                if (progress != null) {
                    progress.poll(slice);
                    for (ProgressEvent e : events) {
                        if (!found.containsKey(e.jobId())) {
                            listener.onProgress(e);
                        }
                    }
                    events.clear();
                }
                for (Completion c : reader.poll(slice)) {
                    if (jobIds.contains(c.jobId()) && found.putIfAbsent(c.jobId(), c) == null && listener != null) {
                        listener.onCompletion(c);
                    }
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
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
