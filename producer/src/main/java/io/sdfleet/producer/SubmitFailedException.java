package io.sdfleet.producer;

/**
 * Kafka refused a record for a reason that retrying will not fix (not authorized for the topic,
 * record too large, producer fenced or closed, ...). The cause is the Kafka client's exception.
 *
 * <p>What to do: fail this request and fix the configuration or the request; do not retry as is.
 */
public class SubmitFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String jobId;

    public SubmitFailedException(String jobId, String message, Throwable cause) {
        super(message, cause);
        this.jobId = jobId;
    }

    /** The job whose record was refused. */
    public String jobId() {
        return jobId;
    }
}
