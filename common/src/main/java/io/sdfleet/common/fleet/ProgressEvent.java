package io.sdfleet.common.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * How far one job has got: the value of a record on the progress topic ({@code sd.progress}, key = jobId), schema
 * {@value #SCHEMA}. Best effort: written without a transaction, possibly lost or (after a redelivery) repeated; the
 * completion on the completions topic stays the only record of truth. One job's events are in order on one
 * partition (same key); {@code seq} numbers them per delivery of the job on a worker.
 *
 * @param schema      {@value #SCHEMA}
 * @param jobId       the job
 * @param workerId    the worker running it
 * @param phase       what is happening
 * @param seq         1, 2, ... per job on this worker
 * @param step        denoising steps done (STEP; {@code totalSteps} from DECODING on), else 0
 * @param totalSteps  the job's denoising steps
 * @param batchJobs   jobs sharing the device with it when it started (STARTED), else 0
 * @param position    its place among them, 1-based (STARTED), else 0
 * @param stepsPerSecond the job's measured denoising rate so far (STEP), else 0; for an ETA
 * @param at          when it happened (the worker's clock)
 */
public record ProgressEvent(String schema, String jobId, String workerId, Phase phase, int seq, int step,
                            int totalSteps, int batchJobs, int position, double stepsPerSecond, Instant at) {

    /** The schema id this build writes. */
    public static final String SCHEMA = "sdfleet.progress/v1";

    /** The phases of a job on a worker, in order. */
    public enum Phase {
        /** Taken by a worker, waiting for the device. */
        QUEUED,
        /** On the device: text encoded, initial latents made. */
        STARTED,
        /** Denoising: {@code step} of {@code totalSteps} done. */
        STEP,
        /** Every step done; the VAE decodes its images. */
        DECODING,
        /** Decoded; PNGs are being encoded and uploaded (the completion follows). */
        STORING
    }

    public ProgressEvent {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(phase, "phase");
    }

    /** The fraction of the job done, 0..1 (steps, with decoding and storing at the end). */
    public double fraction() {
        return switch (phase) {
            case QUEUED, STARTED -> 0;
            case STEP -> totalSteps == 0 ? 0 : Math.min(1.0, step / (double) totalSteps);
            case DECODING, STORING -> 1;
        };
    }
}
