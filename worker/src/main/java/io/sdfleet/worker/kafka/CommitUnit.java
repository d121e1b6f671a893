package io.sdfleet.worker.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What one commit writes: the completion and DLQ records of the finished work released by
 * {@link PartitionOffsets#release()}, and the offsets that cover that work: below the committed offset, or
 * listed as done ahead of it in the offset's metadata ({@link DoneAhead}).
 *
 * @param work         the finished work released, in partition and offset order
 * @param offsets      per partition, the next offset to consume (at most the lowest unfinished job), with the
 *                     offsets done ahead of it in its metadata
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
