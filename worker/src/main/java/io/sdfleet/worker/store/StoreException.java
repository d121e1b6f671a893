package io.sdfleet.worker.store;

/**
 * An object-store call failed. The subclass says what to do; never branch on the message:
 * <ul>
 *   <li>{@link StoreUnavailableException}: transient (store down, timeout, 5xx, throttling) — retry with
 *       backoff ({@link Retrier}); the job is not done and its record must not be committed.</li>
 *   <li>{@link StoreConfigurationException}: fatal — credentials, permissions, bucket or region are wrong; the
 *       process must stop and the operator fix the configuration. Retrying cannot help.</li>
 *   <li>{@link StoreRejectedException}: this one request was refused for a reason of its own (e.g. too
 *       large); fail the job, carry on with the others.</li>
 *   <li>{@link ObjectNotFoundException}: {@code stat}/{@code get} of a key that does not exist.</li>
 * </ul>
 * Checked, so that every call site decides.
 */
public abstract class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
