package io.sdfleet.producer.replay;

import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.RequestValidator;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.Violation;

import java.time.Instant;
import java.util.List;

/**
 * Fields a replay changes in every replayed request; a null component leaves the original's value.
 *
 * <p>Without overrides a replayed request equals the original in every field that shapes the image
 * (prompt, negative prompt, size, steps, guidance, scheduler, seed, number of images, model), so the same
 * runtime makes byte-identical images. What a replay always changes: jobId (new), regenerationOf, and the
 * deadline — the original's has usually passed, and a job past its deadline completes EXPIRED without
 * being run, so a replay has none unless {@code deadline} sets one. Priority and metadata are kept.
 *
 * <p>Every override is checked on its own ({@link #violations()}) before anything is read or sent: no
 * validation rule links two fields, so an override that is valid on a valid request is valid on all.
 *
 * @param steps         denoising steps
 * @param scheduler     scheduler
 * @param width         image width; set together with {@code height}
 * @param height        image height
 * @param guidanceScale guidance scale
 * @param model         model name
 * @param deadline      a new deadline for the replayed jobs (the original's is never kept)
 */
public record ReplayOverrides(Integer steps, SchedulerName scheduler, Integer width, Integer height,
        Double guidanceScale, String model, Instant deadline) {

    /** Change nothing but what every replay changes. */
    public static final ReplayOverrides NONE = new ReplayOverrides(null, null, null, null, null, null, null);

    /** A request every field of which is valid, to check overrides on without a record at hand. */
    private static final JobRequest PROBE = JobRequest.builder("override check").jobId("override-check")
            .seed(0L).build();

    public ReplayOverrides {
        if ((width == null) != (height == null)) {
            throw new InvalidReplaySpecException("width and height are overridden together");
        }
    }

    /** Whether any image-shaping field is overridden (a replay then makes different images). */
    public boolean changesImages() {
        return steps != null || scheduler != null || width != null || guidanceScale != null || model != null;
    }

    /** The original with the overridden fields replaced and the deadline replaced (or cleared). */
    public JobRequest apply(JobRequest original) {
        JobRequest.Builder b = original.toBuilder().deadline(deadline);
        if (steps != null) {
            b.steps(steps);
        }
        if (scheduler != null) {
            b.scheduler(scheduler);
        }
        if (width != null) {
            b.size(width, height);
        }
        if (guidanceScale != null) {
            b.guidanceScale(guidanceScale);
        }
        if (model != null) {
            b.model(model);
        }
        return b.build();
    }

    /** Every override that no request may carry, by field, as the request validator words it. */
    public List<Violation> violations() {
        return RequestValidator.validate(apply(PROBE));
    }

    /**
     * @throws InvalidRequestException listing every invalid override
     */
    public void requireValid() {
        List<Violation> v = violations();
        if (!v.isEmpty()) {
            throw new InvalidRequestException(v, null);
        }
    }
}
