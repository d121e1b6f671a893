package io.sdfleet.worker.consume;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;

/** Pending jobs for unit tests. */
final class Jobs {

    static final TopicPartition P0 = new TopicPartition("requests", 0);
    static final TopicPartition P1 = new TopicPartition("requests", 1);

    private Jobs() {
    }

    static JobRequest.Builder request(String jobId) {
        return JobRequest.builder("a prompt for " + jobId).jobId(jobId).seed(7L).size(64, 64).steps(4)
                .scheduler(SchedulerName.values()[0]);
    }

    static PendingJob job(String jobId, int images, Instant takenAt) {
        return job(P0, 0, request(jobId).numImages(images).build(), takenAt);
    }

    static PendingJob job(TopicPartition partition, long offset, JobRequest request, Instant takenAt) {
        return new PendingJob(partition, offset, 1, request, takenAt, takenAt, null);
    }
}
