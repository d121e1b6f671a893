package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.rng.LatentNoise;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.scheduler.Scheduler;

/**
 * One image on its way from noise to latents: everything that makes it independent of whatever it shares UNet
 * calls with. Its own scheduler instance (timesteps, sigmas and the multistep history of PNDM, DPM-Solver and
 * UniPC), its own torch-compatible generator (the initial latents, then the noise Euler ancestral adds at each
 * step), its job's guidance scale and text states, and the index of its next step. Step-level batching rests
 * on this: a trajectory advances by one {@link StableDiffusionPipeline#denoise} whenever the device includes
 * it, at its own timestep, and nothing in here depends on the call's other items.
 *
 * <p>Made by {@link StableDiffusionPipeline#prepare}; advanced only by the pipeline. Not thread-safe: the device
 * thread only.
 */
public final class Trajectory {
    private final PreparedJob job;
    private final int imageIndex;
    private final long seed;
    private final LatentSize size;
    private final Scheduler scheduler;
    private final LatentNoise noise;
    private final double[] timesteps;
    private float[] latents;
    private int step;

    Trajectory(PreparedJob job, int imageIndex, long seed, LatentSize size, Scheduler scheduler, LatentNoise noise,
            float[] initialLatents) {
        this.job = job;
        this.imageIndex = imageIndex;
        this.seed = seed;
        this.size = size;
        this.scheduler = scheduler;
        this.noise = noise;
        this.timesteps = scheduler.timesteps();
        this.latents = initialLatents;
    }

    /** The job this image belongs to. */
    public PreparedJob job() {
        return job;
    }

    /** The image's index within its job (0-based). */
    public int imageIndex() {
        return imageIndex;
    }

    /** The seed of this image's generator. */
    public long seed() {
        return seed;
    }

    public LatentSize latentSize() {
        return size;
    }

    /** UNet items this image takes per step: 2 when guided, else 1. */
    public int items() {
        return job.guided() ? 2 : 1;
    }

    /** Steps done so far. */
    public int stepsDone() {
        return step;
    }

    /** Steps in all: one UNet call each. */
    public int totalSteps() {
        return timesteps.length;
    }

    /** All steps done: the latents are final and can be decoded. */
    public boolean finished() {
        return step == timesteps.length;
    }

    /** Values of one latent item: 4 x height x width. */
    int itemSize() {
        return UNetRuntime.LATENT_CHANNELS * size.area();
    }

    /** The timestep of the next step, as the UNet takes it. */
    float timestep() {
        return (float) timesteps[step];
    }

    /** The next step's model input: the latents as this image's scheduler scales them. */
    float[] scaledModelInput() {
        return scheduler.scaleModelInput(latents, step);
    }

    /** Applies the next step's guided noise prediction: x_t -> x_t-1, with this image's own noise. */
    void advance(float[] noisePrediction) {
        latents = scheduler.step(noisePrediction, step, latents, noise::fillNext);
        step++;
    }

    /** The final latents (valid once {@link #finished()}). */
    float[] latents() {
        return latents;
    }

    @Override
    public String toString() {
        return job.request().jobId() + "#" + imageIndex + " step " + step + "/" + timesteps.length;
    }
}
