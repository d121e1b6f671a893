package io.sdfleet.producer.replay;

import io.sdfleet.common.InvalidRecordException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.RequestValidator;
import io.sdfleet.common.Violation;
import io.sdfleet.producer.JobIdGenerator;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Decides, for one record read, whether and how it is replayed: decode with {@link JobCodec#decodeRequest}
 * (the worker's checks), require what a worker requires (jobId and seed, {@link
 * RequestValidator#validateForWorker}), filter, apply the overrides, give it a new jobId and set
 * {@code regenerationOf}. Pure apart from drawing job ids; thread-safe when the generator is.
 *
 * <p>{@code regenerationOf} is the job id of the record replayed, also when that record was itself a
 * regeneration: each replay points at the job it re-made, so the chain back to the first job can be
 * followed link by link (and a replay with overrides says which variant it started from). The seed is
 * always kept: it is what makes a replay without overrides produce the same image.
 */
final class ReplayPlanner {

    private final JobCodec codec = JobCodec.shared();
    private final ReplayFilter filter;
    private final ReplayOverrides overrides;
    private final JobIdGenerator jobIds;

    ReplayPlanner(ReplayFilter filter, ReplayOverrides overrides, JobIdGenerator jobIds) {
        this.filter = Objects.requireNonNull(filter, "filter");
        this.overrides = Objects.requireNonNull(overrides, "overrides");
        this.jobIds = Objects.requireNonNull(jobIds, "jobIds");
    }

    /** What becomes of one record. */
    sealed interface Outcome {
    }

    /** Replayed as {@code job}. */
    record Replay(ReplayReport.ReplayedJob job) implements Outcome {
    }

    /** Readable, but the filter did not choose it. */
    record NotChosen() implements Outcome {
    }

    /** Not replayable, and why. */
    record Skip(ReplayReport.SkippedRecord record) implements Outcome {
    }

    Outcome plan(int partition, long offset, String key, byte[] value) {
        JobRequest original;
        try {
            original = codec.decodeRequest(value == null ? new byte[0] : value);
        } catch (InvalidRecordException e) {
            return skip(partition, offset, key, e.getMessage());
        }
        List<Violation> missing = RequestValidator.validateForWorker(original);
        if (!missing.isEmpty()) {
            return skip(partition, offset, key, describe(missing));
        }
        if (!filter.matches(original)) {
            return new NotChosen();
        }
        String newJobId = jobIds.next();
        JobRequest replayed = overrides.apply(original).toBuilder()
                .jobId(newJobId)
                .regenerationOf(original.jobId())
                .build();
        List<Violation> invalid = RequestValidator.validateForWorker(replayed);
        if (!invalid.isEmpty()) {
            return skip(partition, offset, key, "invalid after the overrides: " + describe(invalid));
        }
        return new Replay(new ReplayReport.ReplayedJob(original.jobId(), newJobId, partition, offset, replayed));
    }

    private static Skip skip(int partition, long offset, String key, String reason) {
        return new Skip(new ReplayReport.SkippedRecord(partition, offset, key, reason));
    }

    private static String describe(List<Violation> violations) {
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
