package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import java.util.List;
import java.util.Optional;

/**
 * Runs jobs that passed every known check and, when a runtime call fails, decides whose fault it is. Split out
 * of {@link StableDiffusionPipeline} to keep the wiring of {@link FaultIsolation} (single-job re-runs and the
 * known-good probe) apart from the batch orchestration.
 *
 * <p>Failures: a RuntimeException from a runtime call ({@link RuntimeCallFailure}) is attributed by one
 * isolation pass, which re-runs each job alone and, if needed, a known-good probe: jobs at fault get
 * MODEL_ERROR results (committed like any completion); a device at fault is a {@link DeviceFault} (batch
 * redelivered; fatal after repeats). OOM and linkage errors are DeviceFaults straight from the guard and are
 * never isolated.
 *
 * <p>Threads: the device thread only.
 */
final class FaultAttribution {
    private final RuntimeCallGuard guard;
    private final FaultIsolation isolation;
    private final BatchStages stages;
    private final ModelConstraints constraints;

    FaultAttribution(RuntimeCallGuard guard, FaultIsolation isolation, BatchStages stages,
            ModelConstraints constraints) {
        this.guard = guard;
        this.isolation = isolation;
        this.stages = stages;
        this.constraints = constraints;
    }

    /** Runs jobs of one shape, attributing a failed runtime call to jobs or to the device. */
    List<JobResult> run(List<JobRequest> jobs, BatchShape shape) throws DeviceFault {
        try {
            List<JobResult> results = stages.run(jobs, shape);
            guard.batchSucceeded();
            return results;
        } catch (RuntimeCallFailure failure) {
            List<JobResult> isolated = isolation.isolate(jobs, failure, job -> {
                JobResult alone = stages.run(List.of(job), shape).get(0);
                if (alone.succeeded()) {
                    guard.batchSucceeded(); // a real job ran: the device works (a probe never resets the counters)
                }
                return alone;
            }, probe(shape));
            stages.clearProfile(); // the batch did not run as one; its single-job runs are not a profile
            return isolated;
        }
    }

    /**
     * The known-good request of fault isolation: one job with a benign prompt, guided, one step (or the batch's
     * step count if its scheduler needs more than one step), the batch's scheduler, at the smallest size this
     * model takes (the warm-up's; a failure there is not the size's fault). When the UNet has no engine for that
     * size (static-shape runtimes: e.g. TensorRT profiles for 512x512 only), at the failed batch's own size,
     * which passed the engine check. Empty only when neither can run.
     */
    private Optional<FaultIsolation.Probe> probe(BatchShape failed) {
        int side = constraints.smallestSide();
        Optional<BatchShape> runnable = probeShape(side, side, failed);
        if (runnable.isEmpty()) {
            runnable = probeShape(failed.width(), failed.height(), failed);
        }
        if (runnable.isEmpty()) {
            return Optional.empty();
        }
        BatchShape shape = runnable.get();
        int width = shape.width();
        int height = shape.height();
        JobRequest request = JobRequest.builder("fault isolation probe").jobId("fault-probe").seed(0L)
                .size(width, height).steps(shape.steps()).scheduler(shape.scheduler()).build();
        String description = "a " + width + "x" + height + " " + shape.steps() + "-step probe";
        return Optional.of(new FaultIsolation.Probe() {
            @Override
            public boolean run() throws DeviceFault, RuntimeCallFailure {
                return stages.run(List.of(request), shape).get(0).succeeded();
            }

            @Override
            public String description() {
                return description;
            }
        });
    }

    /** A probe shape of this size with the failed batch's scheduler; empty when the UNet has no engine for it. */
    private Optional<BatchShape> probeShape(int width, int height, BatchShape failed) {
        BatchShape oneStep = new BatchShape(width, height, 1, failed.scheduler());
        BatchShape shape = constraints.unsupportedScheduler(oneStep).isEmpty() ? oneStep
                : new BatchShape(width, height, failed.steps(), failed.scheduler());
        return constraints.imagesPerChunk(shape).isPresent() ? Optional.of(shape) : Optional.empty();
    }
}
