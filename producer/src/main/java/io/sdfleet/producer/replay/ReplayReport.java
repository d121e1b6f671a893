package io.sdfleet.producer.replay;

import io.sdfleet.common.JobRequest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one replay.
 *
 * <p>Counts: {@code read} records were read in the range; of those, {@code skipped} could not be replayed
 * (with the reason each), {@code matched} passed the filter and became {@code jobs}. In a dry run the jobs
 * are what would have been sent; otherwise each job was either acknowledged by Kafka ({@link #sent()}) or
 * is in {@code unsent} with the failure. When Kafka became unreachable in the middle, the replay stopped
 * and {@code abortReason} says so: the ranges were then not read to their end.
 *
 * @param topic       the topic read
 * @param ranges      the offsets read, per partition
 * @param dryRun      whether nothing was sent
 * @param read        records read in the ranges
 * @param matched     decodable records the filter chose
 * @param jobs        the replayed requests (sent, or would be sent in a dry run), in read order
 * @param skipped     records of the range that could not be replayed, in read order
 * @param unsent      jobs Kafka did not acknowledge
 * @param abortReason why the replay stopped before the end of its ranges; null when it did not
 */
public record ReplayReport(String topic, List<PartitionRange> ranges, boolean dryRun, long read, long matched,
        List<ReplayedJob> jobs, List<SkippedRecord> skipped, List<UnsentJob> unsent, String abortReason) {

    public ReplayReport {
        Objects.requireNonNull(topic, "topic");
        ranges = List.copyOf(ranges);
        jobs = List.copyOf(jobs);
        skipped = List.copyOf(skipped);
        unsent = List.copyOf(unsent);
    }

    /** Jobs Kafka acknowledged (none in a dry run). */
    public List<ReplayedJob> sent() {
        if (dryRun) {
            return List.of();
        }
        List<String> failed = unsent.stream().map(u -> u.job().newJobId()).toList();
        return jobs.stream().filter(j -> !failed.contains(j.newJobId())).toList();
    }

    /** Whether every record of the range was read and every chosen one replayed. */
    public boolean complete() {
        return skipped.isEmpty() && unsent.isEmpty() && abortReason == null;
    }

    /** Why the replay stopped early, if it did. */
    public Optional<String> aborted() {
        return Optional.ofNullable(abortReason);
    }

    /**
     * One replayed request.
     *
     * @param originalJobId the job id of the record read
     * @param newJobId      the job id it was replayed as
     * @param partition     partition of the record read
     * @param offset        offset of the record read
     * @param request       the request as sent (new jobId, regenerationOf = originalJobId, overrides applied)
     */
    public record ReplayedJob(String originalJobId, String newJobId, int partition, long offset, JobRequest request) {
    }

    /**
     * A record of the range that was not replayed because it cannot be.
     *
     * @param partition partition of the record
     * @param offset    offset of the record
     * @param key       its Kafka key (may be null)
     * @param reason    why, e.g. the decoder's failure reason and violations
     */
    public record SkippedRecord(int partition, long offset, String key, String reason) {
    }

    /**
     * A replayed request Kafka did not acknowledge.
     *
     * @param job     the request
     * @param failure what the producer reported
     */
    public record UnsentJob(ReplayedJob job, RuntimeException failure) {
    }
}
