package io.sdfleet.worker.scheduler;

import java.util.Optional;

/**
 * One noise scheduler driving ONE denoising trajectory of one micro-batch.
 *
 * <p>Use (the diffusers pipeline loop):
 * <pre>{@code
 * scheduler.setTimesteps(n);
 * x = xT * scheduler.initNoiseSigma();
 * for (int i = 0; i < scheduler.timesteps().length; i++) {
 *     float[] xIn = scheduler.scaleModelInput(x, i);
 *     float[] eps = unet(xIn, scheduler.timesteps()[i]);
 *     x = scheduler.step(eps, i, x, noise);
 * }
 * }</pre>
 *
 * <p>Steps are addressed by INDEX into {@link #timesteps()}, not by timestep value, because a value can repeat
 * (PNDM runs its second timestep twice; Karras timesteps can coincide for many steps). {@code step} must be
 * called for index 0, 1, 2, ... in order, once each: multistep schedulers keep earlier model outputs.
 *
 * <p>Image-to-image and inpainting start later (diffusers' {@code get_timesteps} + {@code set_begin_index}; the
 * index comes from {@link StrengthSchedule}):
 * <pre>{@code
 * scheduler.setTimesteps(n);
 * StrengthSchedule start = StrengthSchedule.of(scheduler, n, strength);
 * scheduler.beginAt(start.beginIndex());
 * x = scheduler.addNoise(imageLatents, noise, start.beginIndex());
 * for (int i = start.beginIndex(); i < scheduler.timesteps().length; i++) { ... as above ... }
 * }</pre>
 * All indexes stay absolute (into the full {@link #timesteps()}), as diffusers' {@code step_index} does.
 *
 * <p>Arrays are flat NCHW float32 for the whole micro-batch; all scheduler math is elementwise, so a scheduler
 * does not know the batch size (only the {@link NoiseSource} does). {@code step} and {@code scaleModelInput}
 * do not modify their arguments.
 *
 * <p>Threads: not thread-safe; one instance per trajectory, used by one thread (the device thread). Creating
 * one is cheap. Errors: a config the implementation cannot follow is rejected at construction with
 * {@link UnsupportedSchedulerConfigException}; calls out of order are an {@link IllegalStateException}.
 */
public interface Scheduler {

    /** The scheduler's name, e.g. {@code "EulerDiscreteScheduler"} (diffusers' class name). */
    String name();

    /** Lays out the inference timesteps and resets the trajectory state; call before anything else. */
    void setTimesteps(int numInferenceSteps);

    /**
     * The timesteps, one per call of {@link #step}, exactly as diffusers stores them: integers for PNDM, DDIM,
     * DPM-Solver and UniPC; float32 values for Euler, Euler ancestral and LMS. A copy.
     */
    double[] timesteps();

    /** True when {@link #timesteps()} holds integers (int64 in diffusers), false when float32 values. */
    boolean integerTimesteps();

    /** The noise levels (length = steps + 1, float32), or empty for schedulers without a sigma table. */
    Optional<float[]> sigmas();

    /** The standard deviation of the initial noise: scale x_T by it. Valid after {@link #setTimesteps}. */
    float initNoiseSigma();

    /** The model input for step {@code stepIndex}; may return {@code sample} itself when it is the identity. */
    float[] scaleModelInput(float[] sample, int stepIndex);

    /**
     * One denoising step.
     *
     * @param modelOutput the model's prediction for {@code scaleModelInput(sample, stepIndex)}
     * @param stepIndex the index into {@link #timesteps()}; must be the next one
     * @param sample the current sample x_t (whole batch)
     * @param noise standard normal noise for stochastic schedulers; may be null for deterministic ones
     * @return a new array with x_{t-1}
     */
    float[] step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise);

    /**
     * diffusers' {@code scheduler.order}: timesteps per denoising step, the factor {@code get_timesteps} multiplies
     * the start step by. 1 for every scheduler here (PNDM's PLMS form and the multistep solvers too).
     */
    default int order() {
        return 1;
    }

    /**
     * Starts this trajectory at step {@code beginIndex} instead of 0: diffusers' {@code set_begin_index}, which
     * img2img and inpainting call with {@link StrengthSchedule#beginIndex()}. The next {@link #step} must then use
     * {@code beginIndex}; sigma look-ups stay absolute and the multistep history starts empty there, exactly as in
     * diffusers (for PNDM, which has no {@code set_begin_index}, its step counter starts there).
     *
     * @throws IllegalStateException before {@link #setTimesteps} or after the first step
     * @throws IndexOutOfBoundsException when {@code beginIndex} is not an index into {@link #timesteps()}
     */
    void beginAt(int beginIndex);

    /**
     * diffusers' {@code add_noise(original, noise, timesteps[stepIndex])}: the noisy sample at step {@code stepIndex}.
     * Variance-preserving schedulers (PNDM, DDIM) compute sqrt(alpha_bar_t) x + sqrt(1 - alpha_bar_t) noise at
     * that step's timestep; Euler, Euler ancestral and LMS x + sigma noise; DPM-Solver++ and UniPC
     * alpha_t x + sigma_t noise from that step's sigma. img2img calls it at the begin index; inpainting with a
     * 4-channel UNet also after each step, at the index of the next one. Does not modify its arguments.
     *
     * @param original row-major latents of the whole batch (e.g. the scaled VAE encoding)
     * @param noise standard normal noise, same length
     * @param stepIndex an index into {@link #timesteps()}
     * @return a new array
     */
    float[] addNoise(float[] original, float[] noise, int stepIndex);
}
