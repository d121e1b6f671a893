package io.sdfleet.worker.store;

import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.ErrorInfo;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobTimings;
import java.util.List;
import java.util.Objects;

/**
 * What the device stage hands the store stage for one job: its images to store, or why it did not run (an error
 * code, or its deadline), with its warnings and timings so far. Every job the device takes ends as exactly one
 * outcome (or is dropped for redelivery), and every completion is built from one ({@link JobCompletions}).
 *
 * @param job       the job, with where it came from
 * @param status    SUCCEEDED (images set), FAILED (error set) or EXPIRED (error set)
 * @param images    the decoded images in index order; empty unless SUCCEEDED
 * @param error     why it did not succeed; null on success
 * @param warnings  things the caller should know (e.g. a truncated prompt)
 * @param timings   the device's stages (queue, tokenize, encode, denoise, decode)
 * @param batchJobs the most jobs that shared one of its UNet calls (0 if it never reached the UNet)
 */
public record JobOutcome(PendingJob job, CompletionStatus status, List<GeneratedImage> images, ErrorInfo error,
                         List<String> warnings, JobTimings timings, int batchJobs) {

    public JobOutcome {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(status, "status");
        images = List.copyOf(images);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(timings, "timings");
        if ((status == CompletionStatus.SUCCEEDED) != (error == null)) {
            throw new IllegalArgumentException("an outcome has an error exactly when it did not succeed");
        }
    }

    public static JobOutcome succeeded(PendingJob job, List<GeneratedImage> images, List<String> warnings,
            JobTimings timings, int batchJobs) {
        return new JobOutcome(job, CompletionStatus.SUCCEEDED, images, null, warnings, timings, batchJobs);
    }

    /** The job failed for its own reasons (an {@link ErrorCode}). */
    public static JobOutcome failed(PendingJob job, ErrorInfo error, List<String> warnings, JobTimings timings,
            int batchJobs) {
        return new JobOutcome(job, CompletionStatus.FAILED, List.of(), error, warnings, timings, batchJobs);
    }

    /** The job's deadline passed before the device took it. */
    public static JobOutcome expired(PendingJob job, JobTimings timings, java.time.Instant at) {
        ErrorInfo error = ErrorCode.DEADLINE_EXCEEDED.error("deadline " + job.request().deadline() + " had passed at "
                + at);
        return new JobOutcome(job, CompletionStatus.EXPIRED, List.of(), error, List.of(), timings, 0);
    }
}
