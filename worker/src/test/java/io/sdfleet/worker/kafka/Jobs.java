package io.sdfleet.worker.kafka;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;

/** Pending jobs for unit tests. */
public final class Jobs {

    public static final TopicPartition P0 = new TopicPartition("requests", 0);
    public static final TopicPartition P1 = new TopicPartition("requests", 1);

    private Jobs() {
    }

    public static JobRequest.Builder request(String jobId) {
        return JobRequest.builder("a prompt for " + jobId).jobId(jobId).seed(7L).size(64, 64).steps(4)
                .scheduler(SchedulerName.values()[0]);
    }

    public static PendingJob job(String jobId, int images, Instant takenAt) {
        return job(P0, 0, request(jobId).numImages(images).build(), takenAt);
    }

    public static PendingJob job(TopicPartition partition, long offset, JobRequest request, Instant takenAt) {
        return new PendingJob(partition, offset, 1, request, takenAt, takenAt, null);
    }

    /** A commit unit of these records, each the finished work of one job of P0 (for the committer tests). */
    public static CommitUnit commitUnit(java.util.List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>>
            records, java.util.Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets,
            java.util.Map<TopicPartition, Long> rewindTo) {
        java.util.List<FinishedWork> work = new java.util.ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            work.add(new FinishedWork(P0, i, 1, java.util.List.of(records.get(i)), "job " + i,
                    io.sdfleet.common.CompletionStatus.SUCCEEDED, null));
        }
        return new CommitUnit(work, offsets, rewindTo);
    }

    /** Waits until a job is waiting and takes it (the device's continuous take, for one job). */
    public static PendingJob takeOne(io.sdfleet.worker.device.WaitingJobs waiting, java.time.Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (io.sdfleet.worker.runtime.LatentSize size : waiting.sizes()) {
                java.util.List<PendingJob> taken = waiting.takeForCall(size, 2);
                if (!taken.isEmpty()) {
                    return taken.get(0);
                }
            }
            waiting.awaitWork(java.time.Duration.ofMillis(20));
        }
        throw new AssertionError("no job reached the waiting queue within " + timeout);
    }
}
