package io.sdfleet.producer;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.common.RequestValidator;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Turns a caller's request into the one that goes on the wire: fills in a job id (a {@link JobIdGenerator}
 * UUIDv7) and a seed (uniform in [0, 2^32-1]) where the caller left them null, and checks every field.
 *
 * <p>Why fill the seed here and not in the worker: the request on the topic then says everything needed to
 * make the same image again, so replaying a topic, or resubmitting the completion's normalized request,
 * reproduces the bytes. Caller-given values are never changed.
 *
 * <p>Thread-safe and side-effect free apart from drawing ids and seeds.
 */
public final class RequestNormalizer {

    private final JobIdGenerator jobIds;
    private final LongSupplier seeds;

    /** Ids from a system-clock {@link JobIdGenerator}, seeds from {@link ThreadLocalRandom}. */
    public RequestNormalizer() {
        this(new JobIdGenerator(), randomSeeds());
    }

    /** Seeds uniform in [0, 2^32-1] from {@link ThreadLocalRandom}. */
    public static LongSupplier randomSeeds() {
        return () -> ThreadLocalRandom.current().nextLong(JobRequestLimits.MAX_SEED + 1);
    }

    /**
     * @param jobIds where generated job ids come from
     * @param seeds  where generated seeds come from; must return values in [0, 2^32-1]
     */
    public RequestNormalizer(JobIdGenerator jobIds, LongSupplier seeds) {
        this.jobIds = Objects.requireNonNull(jobIds, "jobIds");
        this.seeds = Objects.requireNonNull(seeds, "seeds");
    }

    /** The request with jobId and seed filled in where null; not validated. */
    public JobRequest fillIn(JobRequest request) {
        Objects.requireNonNull(request, "request");
        JobRequest out = request;
        if (out.jobId() == null) {
            out = out.withJobId(jobIds.next());
        }
        if (out.seed() == null) {
            out = out.withSeed(seeds.getAsLong());
        }
        return out;
    }

    /**
     * The request with jobId and seed filled in, checked by {@link RequestValidator}.
     *
     * @throws io.sdfleet.common.InvalidRequestException listing every violated field
     */
    public JobRequest prepare(JobRequest request) {
        return RequestValidator.requireValid(fillIn(request));
    }
}
