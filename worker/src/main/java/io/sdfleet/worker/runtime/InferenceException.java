package io.sdfleet.worker.runtime;

/**
 * A loaded runtime failed on one call (native error, out of device memory, engine shape mismatch).
 *
 * <p>What to do: not the jobs' fault, so the pipeline turns it into a
 * {@link io.sdfleet.worker.pipeline.DeviceFault}: the batch is not committed and its jobs are delivered
 * again; a runtime that keeps failing makes the fault fatal and the worker exits to be restarted. Not
 * thrown for caller bugs (those are IllegalArgumentException) nor at load time (ModelLoadException).
 */
public final class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
