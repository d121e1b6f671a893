package io.sdfleet.producer;

/**
 * Kafka could not be reached, or did not acknowledge a record, within the configured bound
 * ({@code max.block.ms} for finding the broker and topic, {@code delivery.timeout.ms} for the
 * acknowledgement).
 *
 * <p>What to do: retry later, or check the bootstrap servers and that the topic exists. When it is
 * thrown by a submit, the record may or may not have been written; submitting the same request again
 * (same jobId, same seed) is safe, because a worker keys everything it stores by jobId and a
 * redelivered job overwrites its own objects.
 */
public class KafkaUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
