package io.sdfleet.common;

/**
 * Outcome of a valid job. Invalid records never get a completion; they go to the DLQ with a
 * {@link FailureReason} instead.
 */
public enum CompletionStatus {
    /** Every requested image was made and stored. */
    SUCCEEDED,
    /** The job was valid but could not be run (model missing, runtime error); see {@link Completion#error()}. */
    FAILED,
    /** The job's deadline had passed before a worker could start it; nothing was generated. */
    EXPIRED
}
