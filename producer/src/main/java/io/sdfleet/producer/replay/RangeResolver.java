package io.sdfleet.producer.replay;

import io.sdfleet.common.config.DurationText;
import io.sdfleet.producer.KafkaUnavailableException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a spec's bounds into one {@link PartitionRange} per partition: the Kafka look-ups (partitions,
 * log start, end snapshot, {@code offsetsForTimes}) through the given consumer, then {@link #ranges}, a
 * pure function of what they returned.
 *
 * <p>The consumer is left assigned to the chosen partitions. The end snapshot is taken before anything else, with the consumer's isolation level (read_committed:
 * the last stable offset), and every range ends at or before it, so the replay does not chase records
 * written while it runs. Not thread-safe (it uses the caller's consumer on the caller's thread).
 */
final class RangeResolver {

    private final Consumer<String, byte[]> consumer;
    private final Duration timeout;
    private final String bootstrapServers;

    /**
     * @param consumer         the replay's group-less reader, on the caller's thread
     * @param timeout          bound of each look-up
     * @param bootstrapServers for messages only
     */
    RangeResolver(Consumer<String, byte[]> consumer, Duration timeout, String bootstrapServers) {
        this.consumer = consumer;
        this.timeout = timeout;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * The ranges of {@code topic} for the spec's bounds, in partition order.
     *
     * @throws InvalidReplaySpecException the topic does not exist or lacks a listed partition
     * @throws KafkaUnavailableException  a look-up got no answer within the timeout
     */
    List<PartitionRange> resolve(String topic, ReplaySpec spec) {
        // Kafka calls: a TimeoutException means no broker answered in time (retry later: exit 3); other
        // errors (authorization) propagate unchanged.
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new InvalidReplaySpecException("topic " + topic + " does not exist at " + bootstrapServers);
            }
            Set<Integer> partitions = new TreeSet<>();
            infos.forEach(i -> partitions.add(i.partition()));
            Set<Integer> chosen = choose(topic, partitions, spec);
            List<TopicPartition> tps = chosen.stream().map(p -> new TopicPartition(topic, p)).toList();
            // Assigned before the look-ups: a read_committed consumer keeps the last stable offsets it
            // learns only for assigned partitions (and warns about the others).
            consumer.assign(tps);
            Map<Integer, Long> ends = byPartition(consumer.endOffsets(tps, timeout));
            Map<Integer, Long> beginnings = byPartition(consumer.beginningOffsets(tps, timeout));
            Map<Integer, Long> fromTimes = timeOffsets(tps, spec.from());
            Map<Integer, Long> toTimes = timeOffsets(tps, spec.to());
            return ranges(chosen, beginnings, ends, spec.from(), spec.to(), fromTimes, toTimes);
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("no Kafka broker answered at " + bootstrapServers + " within "
                    + DurationText.format(timeout) + " (looking up the offsets of topic " + topic + ")", e);
        }
    }

    private static Set<Integer> choose(String topic, Set<Integer> existing, ReplaySpec spec) {
        if (spec.partitions().isEmpty()) {
            return existing;
        }
        Set<Integer> listed = new TreeSet<>(spec.partitions().get());
        Set<Integer> missing = new TreeSet<>(listed);
        missing.removeAll(existing);
        if (!missing.isEmpty()) {
            throw new InvalidReplaySpecException("topic " + topic + " has partitions 0.." + (existing.size() - 1)
                    + "; no partition " + missing);
        }
        return listed;
    }

    /** Offsets of the first record at or after the bound's time; a partition without one is absent. */
    private Map<Integer, Long> timeOffsets(List<TopicPartition> tps, RangeBound bound) {
        if (!(bound instanceof RangeBound.AtTime at)) {
            return Map.of();
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        long ms = Math.max(0, at.instant().toEpochMilli());
        tps.forEach(tp -> query.put(tp, ms));
        Map<Integer, Long> out = new HashMap<>();
        consumer.offsetsForTimes(query, timeout).forEach((tp, found) -> {
            if (found != null) {
                out.put(tp.partition(), found.offset());
            }
        });
        return out;
    }

    /**
     * The ranges, from the look-ups' results. Per partition: start = the bound's offset (or the time's
     * offset, or the end when no record is that late), clamped to [log start, end]; end = last offset + 1
     * (or the time's offset, or the end), clamped to [start, end snapshot].
     *
     * @param partitions the partitions replayed
     * @param beginnings log start offset per partition
     * @param ends       end snapshot per partition
     * @param fromTimes  {@code offsetsForTimes} of a time start (absent: no record at or after it)
     * @param toTimes    {@code offsetsForTimes} of a time end (absent: no record at or after it)
     */
    static List<PartitionRange> ranges(Set<Integer> partitions, Map<Integer, Long> beginnings,
            Map<Integer, Long> ends, RangeBound from, RangeBound to, Map<Integer, Long> fromTimes,
            Map<Integer, Long> toTimes) {
        List<PartitionRange> out = new ArrayList<>();
        for (int p : new TreeSet<>(partitions)) {
            long begin = beginnings.getOrDefault(p, 0L);
            long end = ends.getOrDefault(p, 0L);
            long start = clamp(startOf(from, p, fromTimes, end), begin, end);
            long stop = to == null ? end : clamp(endOf(to, p, toTimes, end), start, end);
            out.add(new PartitionRange(p, start, Math.max(start, stop)));
        }
        return out;
    }

    private static long startOf(RangeBound from, int p, Map<Integer, Long> times, long end) {
        if (from instanceof RangeBound.Offset o) {
            return o.offset();
        }
        if (from instanceof RangeBound.PartitionOffsets o) {
            return o.offsets().get(p);
        }
        return times.getOrDefault(p, end);
    }

    private static long endOf(RangeBound to, int p, Map<Integer, Long> times, long end) {
        if (to instanceof RangeBound.Offset o) {
            return o.offset() == Long.MAX_VALUE ? o.offset() : o.offset() + 1;
        }
        if (to instanceof RangeBound.PartitionOffsets o) {
            long last = o.offsets().get(p);
            return last == Long.MAX_VALUE ? last : last + 1;
        }
        return times.getOrDefault(p, end);
    }

    private static long clamp(long value, long low, long high) {
        return Math.max(low, Math.min(high, value));
    }

    private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }
}
