package io.sdfleet.worker.pipeline;

import java.util.function.Supplier;

/**
 * The one place where a failure inside a model runtime call is classified, counted and, when it is the
 * device's, turned into a {@link DeviceFault}; and where the time of each call is measured.
 *
 * <p>Policy (STYLE habit 12), applied to every call into the text encoder, the UNet and the VAE:
 * <ul>
 *   <li>A {@link RuntimeException} from a call (DJL/ONNX Runtime/TensorRT failures arrive as
 *       {@code InferenceException}; anything else, e.g. a native shape error, is treated alike) may be the
 *       device's fault or a job's (an input the model cannot take, such as a size the exported UNet's
 *       skip connections do not fit). {@link #call} throws it as a {@link RuntimeCallFailure}, uncounted, and
 *       the pipeline attributes it ({@link FaultIsolation}): jobs at fault fail alone, a device at fault gets
 *       {@link #deviceFault}, a non-fatal DeviceFault (batch not committed, jobs delivered again).
 *       Failures that are known to be a job's own (a prompt that cannot be tokenized, a size the UNet or
 *       its engines cannot take, a scheduler the model's config cannot drive) are caught before any
 *       runtime call and fail only those jobs.
 *   <li>After {@code maxConsecutiveFaults} batches in a row failed on the device, the fault is fatal: the
 *       runtime is most likely broken for good (lost GPU, corrupted session) and the worker should restart.
 *   <li>{@link OutOfMemoryError} (Java heap; DJL reports device memory as an exception, above) is a device
 *       fault at once, never isolated: non-fatal the first time, so that a batch too large for this worker
 *       goes back to the topic and the next batch can run; a second one in a row is marked fatal here. The
 *       consumer loop has the last word on non-job faults ({@code io.sdfleet.worker.consume.DeviceFaultPolicy}):
 *       it re-runs a faulted batch's jobs one at a time, probes the device, and completes a job that faults
 *       alone twice as RESOURCE_EXHAUSTED instead of letting it crash worker after worker.
 *   <li>{@link LinkageError} (a native library that failed to load or initialise) and any other
 *       {@link VirtualMachineError} are fatal device faults at once: nothing done in this process will fix them.
 *   <li>A RuntimeException whose message shows a CUDA/cuBLAS/cuDNN error ({@link DeviceSideErrors}) is a
 *       device fault at once, counted like the above. After {@value #MAX_CONSECUTIVE_MODEL_ERRORS} jobs in a
 *       row failed as MODEL_ERROR with only a probe running in between, the fault is fatal ({@link #modelErrors}).
 * </ul>
 * A batch that completes, or a real job that runs alone, resets the counters ({@link #batchSucceeded()}); a
 * fault-isolation probe does not.
 *
 * <p>Not thread-safe: owned by the pipeline, used by the device thread.
 */
final class RuntimeCallGuard {
    private final int maxConsecutiveFaults;
    private int consecutiveFaults;
    private int consecutiveOutOfMemory;
    private int consecutiveModelErrors;

    /**
     * Jobs in a row failed as MODEL_ERROR with no real job succeeding in between after which the device, not the
     * jobs, is blamed and the fault is fatal ({@link #modelErrors}). High enough that a burst of genuinely
     * unprocessable requests does not stop a healthy worker; any job that makes its images resets the count.
     */
    static final int MAX_CONSECUTIVE_MODEL_ERRORS = 10;

    RuntimeCallGuard(int maxConsecutiveFaults) {
        if (maxConsecutiveFaults < 1) {
            throw new IllegalArgumentException("maxConsecutiveFaults must be at least 1, was " + maxConsecutiveFaults);
        }
        this.maxConsecutiveFaults = maxConsecutiveFaults;
    }

    /**
     * Runs one runtime call, adds its wall time to {@code clock}'s runtime share, and classifies its failure.
     *
     * @param what the call, for the fault message (e.g. "UNet step 3 of 20, batch 8")
     * @throws RuntimeCallFailure the runtime threw a RuntimeException: not yet attributed, not counted
     * @throws DeviceFault an OutOfMemoryError, LinkageError or VirtualMachineError: the device's, counted
     */
    <T> T call(String what, StageClock clock, Supplier<T> call) throws DeviceFault, RuntimeCallFailure {
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (DeviceSideErrors.classify(e).orElse(null) == DeviceSideErrors.Kind.DEVICE) {
                throw fault(what, e); // a CUDA/cuBLAS/cuDNN error: the device's, isolating it would prove nothing
            }
            throw new RuntimeCallFailure(what, e);
        } catch (Error e) {
            throw fault(what, e);
        } finally {
            clock.addRuntime(System.nanoTime() - start);
        }
    }

    /**
     * The DeviceFault for a failure of {@code what}, counted towards the fatal thresholds. Errors other than
     * OutOfMemoryError, LinkageError and VirtualMachineError are rethrown unchanged (they are bugs).
     */
    DeviceFault fault(String what, Throwable failure) {
        consecutiveFaults++;
        String message = what + " failed: " + failure;
        if (failure instanceof OutOfMemoryError) {
            consecutiveOutOfMemory++;
            boolean fatal = consecutiveOutOfMemory > 1 || consecutiveFaults >= maxConsecutiveFaults;
            return new DeviceFault(message + (fatal ? " (again: giving up on this process)"
                    : " (the batch goes back to the topic; a second one in a row is fatal)"), failure, fatal);
        }
        if (failure instanceof LinkageError || failure instanceof VirtualMachineError) {
            return new DeviceFault(message + " (the runtime cannot be used again in this process)", failure, true);
        }
        if (failure instanceof Error error) {
            throw error;
        }
        consecutiveOutOfMemory = 0;
        boolean fatal = consecutiveFaults >= maxConsecutiveFaults;
        return new DeviceFault(message + " (" + consecutiveFaults + " batch(es) in a row failed"
                + (fatal ? ", the limit: the runtime seems broken" : "") + ")", failure, fatal);
    }

    /**
     * The DeviceFault for a runtime call failure that isolation attributed to the device, counted towards the
     * fatal limit.
     *
     * @param evidence why the device is blamed, appended to the message (e.g. "each job failed alone too")
     */
    DeviceFault deviceFault(String batch, RuntimeCallFailure failure, String evidence) {
        return fault(batch + ": " + failure.call() + " (" + evidence + ")", failure.getCause());
    }

    /**
     * Real work completed (a batch, or a job run alone): the runtime works, the counters start again. Never
     * called for a fault-isolation probe: a tiny probe that fits proves little about real jobs.
     */
    void batchSucceeded() {
        consecutiveFaults = 0;
        consecutiveOutOfMemory = 0;
        consecutiveModelErrors = 0;
    }

    /**
     * Counts jobs that fault isolation failed with MODEL_ERROR while no real job ran since (only a probe did).
     * A device that runs the probe but no real job (e.g. fragmented device memory) would otherwise fail every
     * job as MODEL_ERROR and look healthy forever.
     *
     * @return a fatal DeviceFault once {@value #MAX_CONSECUTIVE_MODEL_ERRORS} such jobs came in a row, else empty
     */
    java.util.Optional<DeviceFault> modelErrors(int jobs, String batch, RuntimeCallFailure failure) {
        consecutiveModelErrors += jobs;
        if (consecutiveModelErrors < MAX_CONSECUTIVE_MODEL_ERRORS) {
            return java.util.Optional.empty();
        }
        consecutiveFaults++;
        return java.util.Optional.of(new DeviceFault(batch + ": " + failure.call() + " failed: " + failure.getCause()
                + " (" + consecutiveModelErrors + " jobs in a row failed alone with MODEL_ERROR and no real job ran"
                + " in between: the device most likely cannot run real work; giving up on this process)",
                failure.getCause(), true));
    }
}
