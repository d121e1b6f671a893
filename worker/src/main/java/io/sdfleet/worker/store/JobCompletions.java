package io.sdfleet.worker.store;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one place a {@link Completion} is built: from a job's {@link JobOutcome}, the images the store stage stored
 * for it, the worker's {@link JobIdentity} and the job's final timings. Stateless and thread-safe.
 */
public final class JobCompletions {

    private final JobIdentity identity;

    public JobCompletions(JobIdentity identity) {
        this.identity = identity;
    }

    /** The completion of a job whose images were all stored. */
    public Completion succeeded(JobOutcome outcome, List<ImageRef> images, java.util.Map<String, Double> timingsMs,
            Instant at) {
        return Completion.succeeded(outcome.job().request(), images, identity.workerId(), outcome.batchJobs(),
                timingsMs, identity.model(), identity.runtime(), outcome.warnings(), at)
                .withModelDigest(identity.modelDigest());
    }

    /** The FAILED completion of a job refused before it reached the device (it names another model). */
    public Completion refused(JobRequest request, ErrorInfo error, Instant at) {
        return Completion.failed(request, error, identity.workerId(), 0, Map.of(), identity.model(),
                identity.runtime(), List.of(), at).withModelDigest(identity.modelDigest());
    }

    /** The completion of a job that did not succeed: the outcome's own error, or {@code error} when given. */
    public Completion notSucceeded(JobOutcome outcome, ErrorInfo error, java.util.Map<String, Double> timingsMs,
            Instant at) {
        if (outcome.status() == CompletionStatus.EXPIRED) {
            return Completion.expired(outcome.job().request(), identity.workerId(), timingsMs, at);
        }
        return Completion.failed(outcome.job().request(), error != null ? error : outcome.error(),
                identity.workerId(), outcome.batchJobs(), timingsMs, identity.model(), identity.runtime(),
                outcome.warnings(), at).withModelDigest(identity.modelDigest());
    }
}
