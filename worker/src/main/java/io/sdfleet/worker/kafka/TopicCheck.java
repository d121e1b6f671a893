package io.sdfleet.worker.kafka;

import io.sdfleet.worker.lifecycle.WorkerFatalException;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;

/**
 * Start-up check that the topics the worker writes to exist. Without it a missing completions or DLQ topic
 * (with broker auto-creation off) shows only at the first commit, where each attempt blocks for
 * max.block.ms and is rejected and redone forever. Uses {@code producer.partitionsFor}, bounded by the
 * producer's max.block.ms; a missing topic is a {@link WorkerFatalException} naming it.
 */
final class TopicCheck {

    private TopicCheck() {
    }

    static void requireTopics(Producer<byte[], byte[]> producer, Collection<String> topics) {
        for (String topic : topics) {
            List<PartitionInfo> partitions;
            try {
                partitions = producer.partitionsFor(topic);
            } catch (KafkaException e) {
                if (KafkaFailures.isFatal(e)) {
                    throw new WorkerFatalException("cannot read the metadata of topic '" + topic + "': " + e, e);
                }
                throw new WorkerFatalException("configuration error: topic '" + topic + "' does not exist or has no"
                        + " leader (" + e.getMessage() + "); create it, or fix the SDFLEET_TOPIC_* setting", e);
            }
            if (partitions == null) {
                throw new WorkerFatalException("configuration error: topic '" + topic + "' does not exist", null);
            }
        }
    }
}
