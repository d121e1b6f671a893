package io.sdfleet.common;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a dead-lettered record says about itself, schema {@value #SCHEMA}.
 *
 * <p>Why beside the headers: headers are capped and flat; this event carries every violation and can be
 * published to a monitoring topic or logged as one JSON line. The DLQ record itself keeps the original
 * bytes, so it can be fixed and replayed. Lists are copied and never null.
 *
 * @param schema          {@value #SCHEMA}
 * @param jobId           the record's job id if one could be read, else null
 * @param reason          why the record was refused
 * @param message         one-line summary of the violations
 * @param violations      every violated field
 * @param sourceTopic     topic the record was read from
 * @param sourcePartition partition it was read from
 * @param sourceOffset    offset it was read from
 * @param workerId        worker that refused it
 * @param at              when it was refused
 */
public record FailureEvent(
        String schema,
        String jobId,
        FailureReason reason,
        String message,
        List<Violation> violations,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String workerId,
        Instant at) {

    /** The schema id this build writes. */
    public static final String SCHEMA = "sdfleet.failure/v1";

    public FailureEvent {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    /** The failure event for a record that {@link JobCodec} refused. */
    public static FailureEvent of(InvalidRecordException e, String sourceTopic, int sourcePartition,
            long sourceOffset, String workerId, Instant at) {
        Objects.requireNonNull(e, "e");
        return new FailureEvent(SCHEMA, e.jobId().orElse(null), e.reason(), e.getMessage(), e.violations(),
                sourceTopic, sourcePartition, sourceOffset, workerId, at);
    }
}
