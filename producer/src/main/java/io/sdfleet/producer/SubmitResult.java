package io.sdfleet.producer;

import io.sdfleet.common.JobRequest;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one request of {@link SdfleetProducer#submitAll(java.util.List)}, at the same index as
 * its input.
 *
 * @param index   position of the request in the input list
 * @param jobId   the job id (filled in if the caller gave none); null only if the input itself was null
 * @param request the request as sent (jobId and seed filled in), or as given when it never got that far
 * @param failure why it was not written: {@link io.sdfleet.common.InvalidRequestException} (nothing sent,
 *                fix the request), {@link KafkaUnavailableException} (retry), {@link SubmitFailedException}
 *                (do not retry as is); null when Kafka acknowledged the record
 */
public record SubmitResult(int index, String jobId, JobRequest request, RuntimeException failure) {

    /** A request Kafka acknowledged. */
    public static SubmitResult sent(int index, JobRequest request) {
        Objects.requireNonNull(request, "request");
        return new SubmitResult(index, request.jobId(), request, null);
    }

    /** A request that was not written, and why. */
    public static SubmitResult failed(int index, JobRequest request, RuntimeException failure) {
        Objects.requireNonNull(failure, "failure");
        return new SubmitResult(index, request == null ? null : request.jobId(), request, failure);
    }

    /** Whether Kafka acknowledged the record. */
    public boolean isSent() {
        return failure == null;
    }

    /** The failure, if the record was not written. */
    public Optional<RuntimeException> failureIfAny() {
        return Optional.ofNullable(failure);
    }
}
