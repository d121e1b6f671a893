package io.sdfleet.worker.kafka;

import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.FailureReason;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed record that is done, with what must be written for it before its offset may be committed:
 * a completion event (job ran, failed or expired) or a DLQ record (the record was refused).
 *
 * @param partition where the record came from
 * @param offset    its offset
 * @param session   the partition's tracking session when it was taken ({@link PendingJob#session()})
 * @param records   the records to write in the same commit (usually one)
 * @param what      a short description for logs, e.g. the job id and status
 * @param status    the completion's status when the record was a job, else null
 * @param reason    the DLQ reason when the record was refused, else null
 */
public record FinishedWork(TopicPartition partition, long offset, long session,
                           List<ProducerRecord<byte[], byte[]>> records, String what, CompletionStatus status,
                           FailureReason reason) {

    public FinishedWork {
        Objects.requireNonNull(partition, "partition");
        records = List.copyOf(records);
        if ((status == null) == (reason == null)) {
            throw new IllegalArgumentException("finished work is a completion or a dead letter: " + what);
        }
    }
}
