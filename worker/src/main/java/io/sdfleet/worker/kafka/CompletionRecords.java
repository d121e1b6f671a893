package io.sdfleet.worker.kafka;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.SdfleetHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Wraps a {@link Completion} as the record written to the completions topic: key = jobId, value = the
 * JSON event, headers {@code sdfleet-schema} and the request's trace id when it had one. Stateless and
 * thread-safe (the device and store threads share one).
 */
public final class CompletionRecords {

    private final String topic;
    private final JobCodec codec = JobCodec.shared();

    public CompletionRecords(String topic) {
        this.topic = topic;
    }

    /** The finished work of {@code job}: its completion record, to be written with the job's offset. */
    public FinishedWork finished(PendingJob job, Completion completion) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SdfleetHeaders.SCHEMA, Completion.SCHEMA.getBytes(StandardCharsets.UTF_8));
        if (job.traceId() != null) {
            headers.add(SdfleetHeaders.TRACE_ID, job.traceId().getBytes(StandardCharsets.UTF_8));
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                completion.jobId().getBytes(StandardCharsets.UTF_8), codec.encode(completion), headers);
        return new FinishedWork(job.partition(), job.offset(), job.session(), List.of(record),
                job.jobId() + " " + completion.status(), completion.status(), null);
    }
}
