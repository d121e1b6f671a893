package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One micro-batch from requests to results: caller-bug checks, the known constraints per job (so such jobs
 * never reach the runtime), the run of the rest with fault attribution, and the results put back in request
 * order. Split out of {@link StableDiffusionPipeline} so that the public class is only the pipeline's face
 * (opening, identity, closing) and this one only the per-batch flow.
 *
 * <p>Failures: a batch that mixes shapes, lacks a seed or has a non-positive image count is a caller bug
 * ({@link IllegalArgumentException}, nothing runs); a Java heap exhausted outside a runtime call is a
 * {@link DeviceFault} under the same policy as inside one ({@link RuntimeCallGuard}).
 *
 * <p>Threads: the device thread only.
 */
final class BatchRunner {
    private final ModelConstraints constraints;
    private final BatchStages stages;
    private final FaultAttribution attribution;
    private final RuntimeCallGuard guard;

    BatchRunner(ModelConstraints constraints, BatchStages stages, FaultAttribution attribution,
            RuntimeCallGuard guard) {
        this.constraints = constraints;
        this.stages = stages;
        this.attribution = attribution;
        this.guard = guard;
    }

    /** One result per job, in order; {@code jobs} is not empty. */
    List<JobResult> run(List<JobRequest> jobs) throws DeviceFault {
        BatchShape shape = BatchShape.common(jobs);
        for (JobRequest job : jobs) {
            ModelConstraints.requireRunnable(job);
        }
        Optional<ErrorInfo> unsupported = constraints.unsupportedScheduler(shape);
        if (unsupported.isPresent()) {
            stages.clearProfile();
            return jobs.stream().map(job -> BatchStages.failed(job, unsupported.get())).toList();
        }
        // Known constraints, per job, before any runtime call: a size the UNet cannot take fails that job at once
        // (UNSUPPORTED_SIZE) and never reaches the runtime. The batcher groups by size, so in practice all or
        // none of a batch fail here; per job keeps the rest of a batch running whatever the batcher does.
        JobResult[] results = new JobResult[jobs.size()];
        List<JobRequest> runnable = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            Optional<ErrorInfo> sizeError = constraints.unsupportedSize(jobs.get(j));
            if (sizeError.isPresent()) {
                results[j] = BatchStages.failed(jobs.get(j), sizeError.get());
            } else {
                runnable.add(jobs.get(j));
            }
        }
        if (runnable.isEmpty()) {
            stages.clearProfile();
            return List.of(results);
        }
        List<JobResult> ran;
        try {
            ran = attribution.run(runnable, shape);
        } catch (OutOfMemoryError e) {
            // Java heap exhausted outside a runtime call (latents, prediction arrays, images): same policy
            // as inside one (RuntimeCallGuard): non-fatal once, fatal when it repeats.
            stages.releaseBuffers();
            throw guard.fault("batch of " + jobs.size() + " jobs (" + shape + ")", e);
        }
        int next = 0;
        for (int j = 0; j < jobs.size(); j++) {
            if (results[j] == null) {
                results[j] = ran.get(next++);
            }
        }
        return List.of(results);
    }
}
