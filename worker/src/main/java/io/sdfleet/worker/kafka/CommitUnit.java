package io.sdfleet.worker.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What one commit writes: the completion and DLQ records of the finished work released by
 * {@link PartitionOffsets#release()}, and the offsets that cover exactly that work.
 *
 * @param work         the finished work released, in partition and offset order
 * @param offsets      per partition, the next offset to consume (just below the lowest unfinished job)
 * @param rewindTo     per partition, the position committed before this unit (where to seek if it fails)
 */
public record CommitUnit(List<FinishedWork> work, Map<TopicPartition, OffsetAndMetadata> offsets,
                         Map<TopicPartition, Long> rewindTo) {

    public CommitUnit {
        work = List.copyOf(work);
        offsets = Map.copyOf(offsets);
        rewindTo = Map.copyOf(rewindTo);
    }

    /** The records to write with these offsets: the completions and DLQ records of {@link #work}, in order. */
    public List<ProducerRecord<byte[], byte[]>> records() {
        List<ProducerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        work.forEach(w -> records.addAll(w.records()));
        return records;
    }

    public boolean isEmpty() {
        return offsets.isEmpty() && work.isEmpty();
    }
}
