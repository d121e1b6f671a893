package io.sdfleet.producer.kafka;

import io.sdfleet.common.Completion;
import io.sdfleet.common.config.DurationText;
import io.sdfleet.producer.KafkaUnavailableException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads completion events from the completion topic, on every partition, from a chosen
 * {@link StartPosition}. Used by {@code SdfleetProducer.awaitCompletion} and by {@code sdfleet watch}.
 *
 * <p>Why no consumer group: a reader that waits for particular jobs must see every partition and must not
 * move a group's committed offsets; it assigns the partitions itself and commits nothing. The consumer it
 * is given must be configured {@code isolation.level=read_committed} (see {@link ClientProperties}), so a
 * completion of an aborted worker transaction is never returned.
 *
 * <p>Positioning is lazy: the first {@link #poll(Duration)} looks up the partitions (bounded by the
 * metadata timeout) and seeks. If the topic does not exist yet, poll returns nothing and tries again next
 * time. For {@link StartPosition.AtTime} the end offsets are read before {@code offsetsForTimes}, and a
 * partition without a record at or after the time starts at that earlier end, so a completion written
 * in between is not skipped.
 *
 * <p>Threads: not thread-safe, like the {@link Consumer} it owns; one thread polls and closes. Only
 * {@link #wakeup()} may be called from another thread (it makes a blocked poll return nothing).
 * Records that do not decode are logged and skipped: a reader must not stop on one bad record.
 */
public final class CompletionReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompletionReader.class);
    /** A reader commits nothing, so closing only has to leave the broker connection. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(500);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final StartPosition start;
    private final Duration metadataTimeout;
    private final String bootstrapServers;
    private final Function<byte[], Completion> decoder;
    private boolean positioned;

    /**
     * @param consumer         a read_committed consumer without a group; owned (closed) by this reader
     * @param topic            the completion topic
     * @param start            where to start on every partition
     * @param metadataTimeout  how long one partition lookup may wait for a broker before failing
     * @param bootstrapServers for messages only
     * @param decoder          turns a record value into a completion; throws on a bad value
     */
    public CompletionReader(Consumer<String, byte[]> consumer, String topic, StartPosition start,
            Duration metadataTimeout, String bootstrapServers, Function<byte[], Completion> decoder) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.start = Objects.requireNonNull(start, "start");
        this.metadataTimeout = Objects.requireNonNull(metadataTimeout, "metadataTimeout");
        this.bootstrapServers = bootstrapServers;
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /**
     * Waits up to {@code maxWait} for completion events and returns those that decoded, in partition order.
     * Empty when none arrived, the topic does not exist yet, or {@link #wakeup()} was called. The first call
     * may take up to the metadata timeout (finding the partitions) on top of {@code maxWait}.
     *
     * @throws KafkaUnavailableException when no broker answered the partition lookup in time
     */
    public List<Completion> poll(Duration maxWait) {
        long startNanos = System.nanoTime();
        if (!positioned && !position()) {
            sleepQuietly(remaining(maxWait, startNanos));
            return List.of();
        }
        List<Completion> out = new ArrayList<>();
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(remaining(maxWait, startNanos))) {
                decode(record, out);
            }
        } catch (WakeupException e) {
            return out;
        }
        return out;
    }

    private void decode(ConsumerRecord<String, byte[]> record, List<Completion> out) {
        try {
            Completion completion = decoder.apply(record.value());
            if (completion != null) {
                out.add(completion);
            }
        } catch (RuntimeException e) {
            LOG.warn("skipping completion record {}-{}@{} (key {}): {}", record.topic(), record.partition(),
                    record.offset(), record.key(), e.getMessage());
        }
    }

    /** Looks up the partitions and seeks; false when the topic does not exist (yet). */
    private boolean position() {
        Duration lookup = metadataTimeout;
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, lookup);
        } catch (TimeoutException e) {
            throw unavailable(lookup, e);
        } catch (WakeupException e) {
            return false;
        }
        if (infos == null || infos.isEmpty()) {
            LOG.debug("completion topic {} does not exist yet", topic);
            return false;
        }
        List<TopicPartition> partitions = infos.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        try {
            seek(partitions);
        } catch (TimeoutException e) {
            throw unavailable(metadataTimeout, e);
        }
        positioned = true;
        return true;
    }

    private void seek(List<TopicPartition> partitions) {
        if (start instanceof StartPosition.Beginning) {
            consumer.seekToBeginning(partitions);
        } else if (start instanceof StartPosition.End) {
            consumer.endOffsets(partitions, metadataTimeout).forEach(consumer::seek);
        } else if (start instanceof StartPosition.AtTime at) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, metadataTimeout);
            Map<TopicPartition, Long> times = new HashMap<>();
            long ms = Math.max(0, at.instant().toEpochMilli());
            partitions.forEach(p -> times.put(p, ms));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, metadataTimeout);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp hit = found.get(p);
                consumer.seek(p, hit != null ? hit.offset() : ends.get(p));
            }
        }
    }

    private KafkaUnavailableException unavailable(Duration waited, KafkaException cause) {
        return new KafkaUnavailableException("no Kafka broker reachable at " + bootstrapServers + " within "
                + DurationText.format(waited) + " (reading topic " + topic + ")", cause);
    }

    /** Makes a blocked or the next {@link #poll(Duration)} return early; safe from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }

    private static Duration remaining(Duration maxWait, long startNanos) {
        long left = maxWait.toNanos() - (System.nanoTime() - startNanos);
        return Duration.ofNanos(Math.max(0, left));
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(Math.min(d.toMillis(), 500));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
