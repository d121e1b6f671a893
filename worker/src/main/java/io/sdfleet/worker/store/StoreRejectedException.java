package io.sdfleet.worker.store;

/**
 * The store refused this one request for a reason of the request itself (an HTTP 4xx that is neither an
 * authentication, permission nor "not found" error, e.g. {@code EntityTooLarge}, {@code InvalidArgument}).
 * Not retriable and not fatal: fail the job and carry on with the others.
 */
public class StoreRejectedException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
