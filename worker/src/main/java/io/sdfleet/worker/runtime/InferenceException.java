package io.sdfleet.worker.runtime;

/**
 * A loaded runtime failed on one call (native error, out of device memory, engine shape mismatch).
 *
 * <p>What to do: fail the jobs of this batch (they go to the completion topic as FAILED, not retried
 * in a loop); a worker whose runtime keeps failing should report itself unhealthy. Not thrown for
 * caller bugs (those are IllegalArgumentException) nor at load time (ModelLoadException).
 */
public final class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
