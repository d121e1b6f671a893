package io.sdfleet.worker.store;

/**
 * The store could not be reached or answered "try again" (connection refused or reset, timeout, HTTP 5xx,
 * 429, {@code SlowDown}, {@code ServiceUnavailable}). Retriable: retry with backoff; until a retry succeeds
 * the job is not done and its record must not be committed.
 *
 * <p>If the calling thread was interrupted while waiting for the store, this exception is thrown with the
 * thread's interrupt flag set again; {@link Retrier} then stops and throws {@link InterruptedException}.
 */
public class StoreUnavailableException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
