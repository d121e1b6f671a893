package io.sdfleet.producer.kafka;

import io.sdfleet.producer.KafkaUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Jobs waiting for a model: the lag of its workers' consumer group on its requests topic, summed over the topic's
 * partitions (end offset minus the group's committed offset; a partition the group never committed counts from its
 * earliest offset, which is where a new worker starts). A missing topic has no lag. Every Admin call is bounded by
 * {@code timeout}; a timeout or broker error is a {@link KafkaUnavailableException}.
 */
public final class GroupLag {

    private GroupLag() {
    }

    /** The lag of {@code group} on {@code topic}. */
    public static long of(Admin admin, String group, String topic, Duration timeout) {
        try {
            TopicDescription description;
            try {
                description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return 0;
                }
                throw e;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            description.partitions().forEach(p -> {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            });
            var ends = admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            var starts = admin.listOffsets(earliest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long lag = 0;
            for (TopicPartition tp : latest.keySet()) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c == null ? starts.get(tp).offset() : c.offset();
                lag += Math.max(0, ends.get(tp).offset() - from);
            }
            return lag;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaUnavailableException("cannot read the lag of group " + group + " on " + topic + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted reading the lag of group " + group, e);
        }
    }
}
