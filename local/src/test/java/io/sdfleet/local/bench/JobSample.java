package io.sdfleet.local.bench;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.Stage;
import java.util.Map;

/**
 * Where one job's end-to-end time went, in milliseconds. {@code latency} is measured by the benchmark
 * (submit call to completion seen by a read_committed reader); the stages come from the worker's
 * completion event ({@link Stage}); {@link #event()} is what is left.
 *
 * <p>Identity: {@code latency = waiting + model + png + upload + event}, where
 * <ul>
 *   <li>{@code waiting} = {@link Stage#QUEUE}: record timestamp to the job's batch starting on the
 *       device (Kafka transit to the worker, waiting for a batch to fill, waiting for the device);
 *   <li>{@code model} = tokenize + encode + denoise + decode (the batch's model time, as the job lives it);
 *   <li>{@code png}, {@code upload}: this job's PNG encoding and object-store put;
 *   <li>{@code event}: the rest, after the model: hand-off to and waiting in the store pool, the poll
 *       loop's wait before it commits (up to SDFLEET_POLL_TIMEOUT), the completion record, the Kafka
 *       transaction commit and delivery to the reader (plus the batch's other jobs' tokenize, well
 *       under a millisecond).
 * </ul>
 *
 * @param submitOffset when the job was submitted, after the first submit of its round
 * @param deviceShare the job's share of its worker's device time: its tokenize plus the batch's
 *                    encode + denoise + decode divided by the batch's job count (summed over jobs, it gives
 *                    the device's busy time)
 */
record JobSample(String jobId, String workerId, boolean succeeded, int batchSize, double submitOffset,
                 double latency, double waiting, double model, double png, double upload, double deviceShare) {

    /**
     * @param firstSubmitNanos {@link System#nanoTime()} of the round's first submit
     * @param submitNanos      of this job's submit call
     * @param seenNanos        when its completion was seen
     */
    static JobSample of(long firstSubmitNanos, long submitNanos, long seenNanos, Completion completion) {
        Map<String, Double> t = completion.timingsMs();
        double tokenize = t.getOrDefault(Stage.TOKENIZE.key(), 0.0);
        double batchModel = t.getOrDefault(Stage.ENCODE.key(), 0.0) + t.getOrDefault(Stage.DENOISE.key(), 0.0)
                + t.getOrDefault(Stage.DECODE.key(), 0.0);
        int batch = Math.max(1, completion.batchSize());
        return new JobSample(completion.jobId(), completion.workerId(),
                completion.status() == CompletionStatus.SUCCEEDED, completion.batchSize(),
                (submitNanos - firstSubmitNanos) / 1e6, (seenNanos - submitNanos) / 1e6, t.getOrDefault(Stage.QUEUE.key(), 0.0), tokenize + batchModel,
                t.getOrDefault(Stage.PNG.key(), 0.0), t.getOrDefault(Stage.UPLOAD.key(), 0.0),
                tokenize + batchModel / batch);
    }

    /** From the round's first submit to this job's completion seen. */
    double seenOffset() {
        return submitOffset + latency;
    }

    /** Everything after the model that is not PNG or upload (see the class comment). */
    double event() {
        return latency - waiting - model - png - upload;
    }

    /** The fleet's own time: png + upload + event. */
    double fleetOverhead() {
        return png + upload + event();
    }

    /** The job's time once taken into a batch: latency minus waiting. */
    double service() {
        return latency - waiting;
    }
}
