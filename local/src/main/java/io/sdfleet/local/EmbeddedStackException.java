package io.sdfleet.local;

/**
 * The embedded stack (broker, S3 server, topics or bucket) could not be started or set up.
 *
 * <p>What to do: nothing can be retried by the caller at this level (every wait inside the stack has
 * already been given its time-out); treat it as fatal for the process or the test run and read the cause.
 */
public final class EmbeddedStackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddedStackException(String message) {
        super(message);
    }

    public EmbeddedStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
