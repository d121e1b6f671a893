package io.sdfleet.common;

/**
 * Kafka record header names used by sdfleet. Header values are UTF-8 strings.
 *
 * <p>Why headers at all: a DLQ record keeps the original value bytes untouched (so it can be fixed and
 * replayed), so what went wrong has to travel beside it. Names are public API; never rename one.
 */
public final class SdfleetHeaders {
    /** Schema id of the value, e.g. {@code sdfleet.job/v1}; lets a reader route without parsing. */
    public static final String SCHEMA = "sdfleet-schema";
    /** Caller's trace id, copied from request to completion. */
    public static final String TRACE_ID = "sdfleet-trace-id";

    /** {@link FailureReason#code()} of a DLQ record. */
    public static final String DLQ_REASON = "sdfleet-dlq-reason";
    /** Human-readable violations of a DLQ record (truncated to {@link #MAX_DLQ_MESSAGE_CHARS}). */
    public static final String DLQ_MESSAGE = "sdfleet-dlq-message";
    /** Topic the DLQ record was read from. */
    public static final String DLQ_SOURCE_TOPIC = "sdfleet-dlq-source-topic";
    /** Partition the DLQ record was read from, decimal. */
    public static final String DLQ_SOURCE_PARTITION = "sdfleet-dlq-source-partition";
    /** Offset the DLQ record was read from, decimal. */
    public static final String DLQ_SOURCE_OFFSET = "sdfleet-dlq-source-offset";
    /** Id of the worker that refused the record. */
    public static final String DLQ_WORKER = "sdfleet-dlq-worker";

    /**
     * Size in bytes (decimal) of the original value, set when the DLQ record could not carry it whole: the
     * record with the original value and the DLQ headers would exceed the producer's max.request.size.
     */
    public static final String DLQ_ORIGINAL_SIZE = "sdfleet-dlq-original-size";
    /**
     * {@code true} when the DLQ record's value is only the first bytes of the original value (possibly none);
     * absent when the value is the original, untouched. {@link #DLQ_ORIGINAL_SIZE} gives the full size.
     */
    public static final String DLQ_VALUE_TRUNCATED = "sdfleet-dlq-value-truncated";

    /** Longest {@link #DLQ_MESSAGE} value, in characters; the full list is in the failure event. */
    public static final int MAX_DLQ_MESSAGE_CHARS = 4096;

    private SdfleetHeaders() {
    }
}
