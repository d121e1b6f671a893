package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides who is at fault when a model runtime call failed for a batch ({@link RuntimeCallFailure}): the jobs
 * or the device. Without this, one request the model cannot take (a poison pill) would be a
 * {@link DeviceFault}, never committed, redelivered to worker after worker until every one of them had hit
 * the fatal limit: one bad request would stop the fleet.
 *
 * <p>Policy, one isolation pass per failed batch:
 * <ol>
 *   <li>Each job runs again alone, and once more when that fails (a single-job batch, which already ran
 *       alone, runs once more): a job fails alone only after two failed runs on its own, so a one-off runtime
 *       failure is never blamed on a job. Images do not depend on the rest of the batch (batch independence),
 *       so a job that succeeds alone has exactly the images it would have had in the batch and its result is
 *       used as is.
 *   <li>A job that fails alone is the job's fault when the device demonstrably works: another job of the
 *       batch succeeded alone, or, when none did (or the batch had one job), a known-good probe succeeds
 *       (a benign prompt, one step, at the smallest size the model takes, or at the batch's own size when
 *       a static-shape UNet has no engine for the smallest). It gets a FAILED result with
 *       {@link JobErrorCodes#MODEL_ERROR} naming the runtime's error briefly, and is committed like any
 *       completion.
 *   <li>When the probe fails too, or no probe can run here (no engine for the batch's size), the device is at
 *       fault: the original failure becomes a {@link DeviceFault} via {@link RuntimeCallGuard#deviceFault},
 *       counted once for the batch, and the batch is redelivered as before.
 * </ol>
 * A job whose solo run fails with a device-side error (device memory could not be allocated,
 * {@link DeviceSideErrors}) is never blamed: that is a DeviceFault. A probe that runs does not reset the fault
 * counters, and jobs failed with only a probe as evidence are counted ({@link RuntimeCallGuard#modelErrors}):
 * too many in a row is a fatal DeviceFault, so a device that runs the probe but no real job cannot fail every
 * job as MODEL_ERROR while looking healthy.
 * Only RuntimeExceptions from a runtime call are isolated; an OutOfMemoryError or LinkageError is a
 * DeviceFault at once ({@link RuntimeCallGuard}) and so is one thrown during the isolation pass itself.
 * Cost: at most two single-job runs per job of the batch plus one probe (one step), once.
 *
 * <p>Not thread-safe: the device thread only, inside {@link StableDiffusionPipeline#run}.
 */
final class FaultIsolation {

    /** Runs one job alone through the whole pipeline. */
    @FunctionalInterface
    interface SingleJobRun {
        JobResult run(JobRequest job) throws DeviceFault, RuntimeCallFailure;
    }

    /** A small request known to work on a healthy device. */
    interface Probe {
        /** True when the probe made its image. */
        boolean run() throws DeviceFault, RuntimeCallFailure;

        /** For messages, e.g. "a 64x64 1-step probe". */
        String description();
    }

    private final RuntimeCallGuard guard;

    FaultIsolation(RuntimeCallGuard guard) {
        this.guard = guard;
    }

    /**
     * One result per job of {@code jobs}, in order, after {@code batchFailure} failed the batch as a whole.
     *
     * @param probe empty when no probe can run on this model and runtime
     * @throws DeviceFault when the device is at fault (see the class comment)
     */
    List<JobResult> isolate(List<JobRequest> jobs, RuntimeCallFailure batchFailure, SingleJobRun alone,
            Optional<Probe> probe) throws DeviceFault {
        String batch = "batch of " + jobs.size() + " job(s)";
        JobResult[] results = new JobResult[jobs.size()];
        RuntimeCallFailure[] failedAlone = new RuntimeCallFailure[jobs.size()];
        boolean deviceWorked = false;
        // A single-job batch already ran alone once (the batch); a job of a larger batch gets one solo run, and
        // a second one when that fails: a job is blamed only after two failures alone, so a one-off runtime
        // failure never completes a job as MODEL_ERROR.
        int soloRuns = jobs.size() == 1 ? 1 : 2;
        for (int j = 0; j < jobs.size(); j++) {
            for (int attempt = 0; attempt < soloRuns && results[j] == null; attempt++) {
                try {
                    // Runtime calls again, one job at a time: RuntimeCallFailure = this job fails alone;
                    // a DeviceFault (OOM, linkage) propagates: the device's, never isolated.
                    results[j] = alone.run(jobs.get(j));
                    failedAlone[j] = null;
                    deviceWorked |= results[j].succeeded();
                } catch (RuntimeCallFailure e) {
                    failedAlone[j] = e;
                }
            }
        }
        List<Integer> culprits = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            if (failedAlone[j] != null) {
                culprits.add(j);
            }
        }
        if (culprits.isEmpty()) {
            return List.of(results); // only the batch as a whole failed (or a one-off): every job ran alone
        }
        for (int j : culprits) {
            if (DeviceSideErrors.classify(failedAlone[j].getCause()).isPresent()) {
                // device memory ran out on this job alone: a device fault whatever else ran (never MODEL_ERROR)
                throw guard.deviceFault(batch, failedAlone[j], "job " + jobs.get(j).jobId()
                        + " failed alone with a device-side error, which is never blamed on a job");
            }
        }
        String evidence;
        if (deviceWorked) {
            evidence = "other jobs of its batch ran";
        } else if (probe.isEmpty()) {
            throw guard.deviceFault(batch, batchFailure, "each job failed alone and no probe can run on this "
                    + "model and runtime, so the device is presumed at fault");
        } else {
            boolean probeRan;
            try {
                // Runtime calls at a shape known to work: a failure here blames the device.
                probeRan = probe.get().run();
            } catch (RuntimeCallFailure e) {
                probeRan = false;
            }
            if (!probeRan) {
                throw guard.deviceFault(batch, batchFailure, "each job failed alone and "
                        + probe.get().description() + " failed too");
            }
            evidence = probe.get().description() + " ran";
            Optional<DeviceFault> tooMany = guard.modelErrors(culprits.size(), batch, failedAlone[culprits.get(0)]);
            if (tooMany.isPresent()) {
                throw tooMany.get();
            }
        }
        for (int j : culprits) {
            results[j] = new JobResult(jobs.get(j).jobId(), List.of(), List.of(), Map.of(),
                    new ErrorInfo(JobErrorCodes.MODEL_ERROR, "the model failed on this job run alone, while "
                            + evidence + ": " + failedAlone[j].brief()));
        }
        return List.of(results);
    }
}
