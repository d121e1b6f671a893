package io.sdfleet.worker.consume;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What one commit writes: the completion and DLQ records of the finished work released by
 * {@link PartitionOffsets#release()}, and the offsets that cover exactly that work.
 *
 * @param records      in partition and offset order
 * @param offsets      per partition, the next offset to consume (just below the lowest unfinished job)
 * @param rewindTo     per partition, the position committed before this unit (where to seek if it fails)
 */
public record CommitUnit(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                         Map<TopicPartition, Long> rewindTo) {

    public CommitUnit {
        records = List.copyOf(records);
        offsets = Map.copyOf(offsets);
        rewindTo = Map.copyOf(rewindTo);
    }

    public boolean isEmpty() {
        return offsets.isEmpty() && records.isEmpty();
    }
}
