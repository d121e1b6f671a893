package io.sdfleet.producer.replay;

import io.sdfleet.common.JobRequest;
import io.sdfleet.producer.SubmitResult;

import java.util.List;

/**
 * Where replayed requests go: {@link io.sdfleet.producer.SdfleetProducer#submitAll} in production
 * ({@code producer::submitAll}). Must return one result per request, in order, and report Kafka being
 * unreachable as a {@link io.sdfleet.producer.KafkaUnavailableException} failure.
 */
@FunctionalInterface
public interface ReplaySink {

    /** Sends the requests (each already complete and valid) and waits for every acknowledgement. */
    List<SubmitResult> submitAll(List<JobRequest> requests);
}
