package io.sdfleet.producer.kafka;

import io.sdfleet.common.config.DurationText;
import io.sdfleet.common.fleet.FleetCatalog;
import io.sdfleet.common.fleet.FleetCodec;
import io.sdfleet.producer.KafkaUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the fleet catalog topic from its beginning to its end as it is now, into a {@link FleetCatalog} (latest
 * announcement per worker, tombstones applied). The topic is compacted and small (one record per worker, a few
 * per heartbeat since the last compaction), so each read is a full one; callers cache the result.
 *
 * <p>Kafka calls, bounded by {@code timeout} in all: partition lookup (a missing topic reads as an empty catalog
 * marked {@link FleetCatalog#topicMissing()}), end offsets, polls. A timeout or broker error is a {@link KafkaUnavailableException}.
 * Records this build cannot read (another schema major) are skipped. One consumer per read, no group, nothing
 * committed.
 */
public final class FleetReader {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final String bootstrapServers;

    public FleetReader(Supplier<Consumer<String, byte[]>> consumers, String topic, String bootstrapServers) {
        this.consumers = Objects.requireNonNull(consumers, "consumers");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * {@code base} with topic auto-creation off: a read must not create the catalog topic (a broker would make it
     * uncompacted, and a missing topic means something: a cluster whose workers do not announce).
     */
    public static Map<String, Object> consumerProperties(Map<String, Object> base) {
        Map<String, Object> properties = new java.util.HashMap<>(base);
        properties.put(org.apache.kafka.clients.consumer.ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return properties;
    }

    /** The topic read. */
    public String topic() {
        return topic;
    }

    /**
     * The catalog as the topic holds it now.
     *
     * @throws KafkaUnavailableException the broker did not answer within {@code timeout}
     */
    public FleetCatalog read(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        FleetCatalog catalog = new FleetCatalog();
        Consumer<String, byte[]> consumer = consumers.get();
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return FleetCatalog.ofMissingTopic();
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, left(deadline));
            while (!reached(consumer, end)) {
                if (System.nanoTime() >= deadline) {
                    throw new KafkaUnavailableException("the fleet catalog " + topic + " at " + bootstrapServers
                            + " could not be read to its end within " + timeout.toMillis() + " ms", null);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(min(left(deadline), Duration.ofMillis(200)))) {
                    if (r.key() != null) {
                        catalog.apply(r.key(), r.value() == null ? null
                                : FleetCodec.decodeAnnouncement(r.value()).orElse(null));
                    }
                }
            }
            return catalog;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaUnavailableException("no Kafka broker reachable at " + bootstrapServers + " within "
                    + DurationText.format(timeout) + " (reading the fleet catalog " + topic + ")", e);
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("cannot read the fleet catalog " + topic + " at " + bootstrapServers
                    + ": " + e.getMessage(), e);
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
    }

    private static boolean reached(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
