package io.sdfleet.worker.scheduler;

import java.util.Objects;
import java.util.Optional;

/**
 * Where an image-to-image or inpainting trajectory starts for a strength: diffusers' {@code get_timesteps} of
 * StableDiffusionImg2ImgPipeline and StableDiffusionInpaintPipeline (the same code), for a scheduler whose
 * timesteps are laid out:
 * <pre>
 * init_timestep = min(int(num_inference_steps * strength), num_inference_steps)
 * t_start       = max(num_inference_steps - init_timestep, 0)
 * timesteps     = scheduler.timesteps[t_start * scheduler.order :]
 * scheduler.set_begin_index(t_start * scheduler.order)
 * </pre>
 * The product is taken in double and truncated, as Python's {@code int()} does for a positive float. PNDM has
 * n + 1 timesteps, so it runs one step more than the others from the same strength (its slice starts at the
 * same index); with strength 1 every scheduler runs its whole list.
 *
 * <p>A strength whose {@code init_timestep} is 0 runs no denoising step: diffusers' inpainting pipeline raises
 * a ValueError for it, its img2img pipeline fails later on the empty timestep list; {@link #problem} says so
 * before a job is accepted, and {@link #of} refuses it.
 *
 * @param numInferenceSteps the job's steps (what {@code set_timesteps} got)
 * @param strength 0..1, how much of the trajectory to run
 * @param initTimestep diffusers' {@code init_timestep}, at least 1
 * @param startStep diffusers' {@code t_start}
 * @param beginIndex {@code t_start * order}: the index into {@link Scheduler#timesteps()} of the first step,
 *     what {@link Scheduler#beginAt} and the start's {@link Scheduler#addNoise} take
 * @param stepsToRun the number of {@code step} calls (UNet evaluations) from there to the end
 * @param startTimestep {@code timesteps[beginIndex]}, the timestep the image latents are noised to
 */
public record StrengthSchedule(int numInferenceSteps, double strength, int initTimestep, int startStep,
        int beginIndex, int stepsToRun, double startTimestep) {

    /** diffusers' default strength of StableDiffusionImg2ImgPipeline: the contract's default. */
    public static final double DEFAULT_IMG2IMG_STRENGTH = io.sdfleet.common.JobRequestLimits.DEFAULT_STRENGTH;

    /**
     * The start for {@code scheduler}, whose {@link Scheduler#setTimesteps} was called with
     * {@code numInferenceSteps}; does not call {@link Scheduler#beginAt} (the caller does, on this scheduler).
     *
     * @throws IllegalArgumentException when {@link #problem} names one
     */
    public static StrengthSchedule of(Scheduler scheduler, int numInferenceSteps, double strength) {
        Objects.requireNonNull(scheduler, "scheduler");
        problem(numInferenceSteps, strength).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        int init = initTimestep(numInferenceSteps, strength);
        int startStep = Math.max(numInferenceSteps - init, 0);
        int beginIndex = startStep * scheduler.order();
        double[] timesteps = scheduler.timesteps();
        if (beginIndex >= timesteps.length) {
            throw new IllegalStateException(scheduler.name() + " has " + timesteps.length + " timesteps, begin index "
                    + beginIndex + " is past them: was setTimesteps(" + numInferenceSteps + ") called?");
        }
        return new StrengthSchedule(numInferenceSteps, strength, init, startStep, beginIndex,
                timesteps.length - beginIndex, timesteps[beginIndex]);
    }

    /**
     * Why a job with these steps and strength cannot run, or empty: a strength outside 0..1 (diffusers'
     * check_inputs), or one so small that no denoising step would run.
     */
    public static Optional<String> problem(int numInferenceSteps, double strength) {
        if (!(strength >= 0 && strength <= 1)) {
            return Optional.of("strength must be in 0..1, got " + strength);
        }
        if (numInferenceSteps < 1) {
            return Optional.of("steps must be at least 1, got " + numInferenceSteps);
        }
        int init = initTimestep(numInferenceSteps, strength);
        if (init < 1) {
            return Optional.of("strength " + strength + " with " + numInferenceSteps + " steps runs no denoising step "
                    + "(int(" + numInferenceSteps + " x " + strength + ") = 0, as diffusers computes it); "
                    + "steps x strength must be at least 1");
        }
        return Optional.empty();
    }

    /** diffusers' {@code init_timestep}: min(int(n * strength), n); 0 when nothing would run. */
    static int initTimestep(int numInferenceSteps, double strength) {
        return io.sdfleet.common.RequestValidator.stepsRun(numInferenceSteps, strength); // the contract's one rule
    }
}
