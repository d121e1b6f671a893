package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.runtime.VaeDecoderRuntime;
import java.util.List;
import java.util.Objects;

/**
 * What every job of one micro-batch shares: image size, step count and scheduler. The batcher groups jobs
 * by exactly these values; a batch that mixes them is a caller bug and is refused with an
 * {@link IllegalArgumentException} before any work is done.
 *
 * @param width image width in pixels, a positive multiple of 8
 * @param height image height in pixels, a positive multiple of 8
 * @param steps number of inference steps, at least 1
 * @param scheduler the scheduler of every job
 */
public record BatchShape(int width, int height, int steps, SchedulerName scheduler) {

    public BatchShape {
        Objects.requireNonNull(scheduler, "scheduler");
        if (width < VaeDecoderRuntime.SCALE || width % VaeDecoderRuntime.SCALE != 0
                || height < VaeDecoderRuntime.SCALE || height % VaeDecoderRuntime.SCALE != 0) {
            throw new IllegalArgumentException("image size must be positive multiples of " + VaeDecoderRuntime.SCALE
                    + ", was " + width + "x" + height);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, was " + steps);
        }
    }

    /** The shape of {@code job}. */
    public static BatchShape of(JobRequest job) {
        return new BatchShape(job.width(), job.height(), job.steps(), job.scheduler());
    }

    /**
     * The shape all {@code jobs} share.
     *
     * @throws IllegalArgumentException when the list is empty or a job differs from the first one in width,
     *     height, steps or scheduler (naming the job and both shapes)
     */
    public static BatchShape common(List<JobRequest> jobs) {
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one job");
        }
        BatchShape first = of(jobs.get(0));
        for (int i = 1; i < jobs.size(); i++) {
            BatchShape other = of(jobs.get(i));
            if (!other.equals(first)) {
                throw new IllegalArgumentException("job " + jobs.get(i).jobId() + " (" + other + ") does not share the "
                        + "batch's size, steps and scheduler (" + first + ", from job " + jobs.get(0).jobId() + ")");
            }
        }
        return first;
    }

    /** Latent height: image height / 8. */
    public int latentHeight() {
        return height / VaeDecoderRuntime.SCALE;
    }

    /** Latent width: image width / 8. */
    public int latentWidth() {
        return width / VaeDecoderRuntime.SCALE;
    }

    @Override
    public String toString() {
        return width + "x" + height + ", " + steps + " steps, " + scheduler.wireName();
    }
}
