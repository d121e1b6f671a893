package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.rng.LatentNoise;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.scheduler.InpaintLatents;
import io.sdfleet.worker.scheduler.Scheduler;

/**
 * One image on its way from noise to latents: everything that makes it independent of whatever it shares UNet
 * calls with. Its own scheduler instance (timesteps, sigmas and the multistep history of PNDM, DPM-Solver and
 * UniPC), its own torch-compatible generator (the initial latents, then the noise Euler ancestral adds at each
 * step), its job's guidance scale and text states, and the index of its next step. Step-level batching rests
 * on this: a trajectory advances by one {@link StableDiffusionPipeline#denoise} whenever the device includes
 * it, at its own timestep, and nothing in here depends on the call's other items.
 *
 * <p>A job that starts from a picture begins later in its schedule ({@code beginIndex}, diffusers'
 * {@code get_timesteps}) and, for inpainting, carries its {@link InpaintRegion}: a 9-channel UNet gets mask and
 * masked-image latents in its input ({@link #modelInput()}), a 4-channel one gets the kept region blended back
 * after each step ({@link #advance}). Either way it is one more item of the call, independent of the others.
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
    private final int beginIndex;
    private final InpaintRegion region;
    private float[] latents;
    private int step;

    /**
     * @param beginIndex the first step's index into the scheduler's timesteps (0 from noise); the scheduler was
     *                   told it ({@link Scheduler#beginAt})
     * @param region     the inpainting data, or null
     */
    Trajectory(PreparedJob job, int imageIndex, long seed, LatentSize size, Scheduler scheduler, LatentNoise noise,
            float[] initialLatents, int beginIndex, InpaintRegion region) {
        this.job = job;
        this.imageIndex = imageIndex;
        this.seed = seed;
        this.size = size;
        this.scheduler = scheduler;
        this.noise = noise;
        this.timesteps = scheduler.timesteps();
        this.latents = initialLatents;
        this.beginIndex = beginIndex;
        this.region = region;
        this.step = beginIndex;
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
        return step - beginIndex;
    }

    /** Steps this image runs in all (fewer than the schedule's for a picture at a strength below 1). */
    public int totalSteps() {
        return timesteps.length - beginIndex;
    }

    /** All steps done: the latents are final and can be decoded. */
    public boolean finished() {
        return step == timesteps.length;
    }

    /** Values of one latent item: 4 x height x width. */
    int itemSize() {
        return UNetRuntime.LATENT_CHANNELS * size.area();
    }

    /** Values of this image's UNet input item: 4 or, for an inpainting UNet, 9 channels. */
    int inputSize() {
        return (region != null && region.conditioned() ? UNetRuntime.INPAINT_CHANNELS : UNetRuntime.LATENT_CHANNELS)
                * size.area();
    }

    /** The timestep of the next step, as the UNet takes it. */
    float timestep() {
        return (float) timesteps[step];
    }

    /**
     * The next step's UNet input item: the latents as this image's scheduler scales them, followed for an
     * inpainting UNet by the latent mask and the masked picture's latents
     * ({@code torch.cat([latent_model_input, mask, masked_image_latents], dim=1)}).
     */
    float[] modelInput() {
        float[] scaled = scheduler.scaleModelInput(latents, step);
        if (region == null || !region.conditioned()) {
            return scaled;
        }
        return InpaintLatents.unetInput(scaled, region.latentMask(), region.maskedImageLatents(), 1, size.height(),
                size.width());
    }

    /**
     * Applies the next step's guided noise prediction: x_t -> x_t-1, with this image's own noise; for inpainting
     * with a 4-channel UNet, then puts the kept region back, noised to the next step (clean after the last).
     */
    void advance(float[] noisePrediction) {
        float[] next = scheduler.step(noisePrediction, step, latents, noise::fillNext);
        if (region != null && !region.conditioned()) {
            float[] known = InpaintLatents.knownRegionAfterStep(scheduler, region.imageLatents(), region.noise(), step);
            next = InpaintLatents.blendKnownRegion(region.latentMask(), known, next, 1, UNetRuntime.LATENT_CHANNELS,
                    size.height(), size.width());
        }
        latents = next;
        step++;
    }

    /** The final latents (valid once {@link #finished()}). */
    float[] latents() {
        return latents;
    }

    @Override
    public String toString() {
        return job.request().jobId() + "#" + imageIndex + " step " + stepsDone() + "/" + totalSteps();
    }
}
