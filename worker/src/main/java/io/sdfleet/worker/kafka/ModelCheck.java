package io.sdfleet.worker.kafka;

import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.ErrorInfo;
import java.util.Objects;
import java.util.Optional;

/**
 * The one owner of "does this worker serve the model a job names": a job whose {@code model} is set and is not the
 * worker's model ({@code SDFLEET_MODEL_NAME}) is never run; it gets a FAILED {@link ErrorCode#MODEL_NOT_SERVED}
 * completion naming both models, written with its offset like any finished job (it is a valid request, so not a
 * dead letter, and running it again on this worker would fail the same way). A job naming no model is the worker's.
 *
 * <p>Such a record reached the wrong topic by hand (the producer library and CLI route by {@code model}), or a
 * worker's model name was changed under a topic that still holds older requests. Stateless; the poll thread.
 */
public final class ModelCheck {

    /** Builds the finished work of a refused job: its FAILED completion record ({@link CompletionRecords}). */
    @FunctionalInterface
    public interface Refusal {
        FinishedWork refuse(PendingJob job, ErrorInfo error);
    }

    private final String servedModel;
    private final Refusal refusal;

    /**
     * @param servedModel the model this worker serves
     * @param refusal     makes the FAILED completion of a job this worker does not serve
     */
    public ModelCheck(String servedModel, Refusal refusal) {
        this.servedModel = Objects.requireNonNull(servedModel, "servedModel");
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    /** The model this worker serves. */
    public String servedModel() {
        return servedModel;
    }

    /** The job's FAILED finished work when it names another model; empty when this worker may run it. */
    public Optional<FinishedWork> refuse(PendingJob job) {
        String wanted = job.request().model();
        if (wanted == null || wanted.equals(servedModel)) {
            return Optional.empty();
        }
        return Optional.of(refusal.refuse(job, ErrorCode.MODEL_NOT_SERVED.error("the job asks for model '" + wanted
                + "' but was read from topic " + job.partition().topic() + " by a worker serving model '"
                + servedModel + "'; it was not run. Send it to the topic of model '" + wanted + "' (the sdfleet"
                + " producer and CLI route by model)")));
    }
}
