package io.sdfleet.worker.kafka;

import io.sdfleet.common.JobRequest;
import io.sdfleet.worker.pipeline.JobInput;
import io.sdfleet.worker.pipeline.JobPictures;
import java.time.Duration;
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
 * @param pictures   for img2img and inpainting, the pictures once the input stage fetched and fitted them; null
 *                   before that and for txt2img
 * @param inputTime  how long the input stage took for them (zero for txt2img)
 */
public record PendingJob(TopicPartition partition, long offset, long session, JobRequest request,
                         Instant recordTime, Instant takenAt, String traceId, JobPictures pictures,
                         Duration inputTime) {

    /** A job as the intake takes it: no pictures yet. */
    public PendingJob(TopicPartition partition, long offset, long session, JobRequest request, Instant recordTime,
            Instant takenAt, String traceId) {
        this(partition, offset, session, request, recordTime, takenAt, traceId, null, Duration.ZERO);
    }

    public PendingJob {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(recordTime, "recordTime");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(inputTime, "inputTime");
    }

    /** This job with its pictures, ready for the device. */
    public PendingJob withPictures(JobPictures fitted, Duration took) {
        return new PendingJob(partition, offset, session, request, recordTime, takenAt, traceId, fitted, took);
    }

    /** Whether the job still needs its pictures fetched before the device can take it. */
    public boolean needsPictures() {
        return request.initImage() != null && pictures == null;
    }

    /** What the pipeline takes for this job. */
    public JobInput input() {
        return new JobInput(request, pictures);
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
