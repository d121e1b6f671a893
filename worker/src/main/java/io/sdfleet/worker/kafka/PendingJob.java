package io.sdfleet.worker.kafka;

import io.sdfleet.common.JobRequest;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * A valid request taken from the requests topic and not yet finished.
 *
 * @param partition  where the record came from
 * @param offset     its offset there
 * @param session    the tracking session of the partition when the record was taken (see
 *                   {@link PartitionOffsets#session}); an outcome from an older session is ignored, because
 *                   the partition was revoked or rewound since and the job will be delivered again
 * @param request    the decoded, validated request (jobId and seed present)
 * @param recordTime the record's timestamp (when it was produced)
 * @param takenAt    when the worker took it
 * @param traceId    the record's {@code sdfleet-trace-id} header, copied to the completion; null if absent
 */
public record PendingJob(TopicPartition partition, long offset, long session, JobRequest request,
                         Instant recordTime, Instant takenAt, String traceId) {

    public PendingJob {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(recordTime, "recordTime");
        Objects.requireNonNull(takenAt, "takenAt");
    }

    public String jobId() {
        return request.jobId();
    }

    /** Images this job makes. */
    public int images() {
        return request.numImages();
    }

    @Override
    public String toString() {
        return request.jobId() + "@" + partition + "+" + offset;
    }
}
