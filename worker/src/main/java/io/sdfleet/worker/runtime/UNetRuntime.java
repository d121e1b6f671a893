package io.sdfleet.worker.runtime;

import java.util.OptionalInt;

/**
 * The denoising UNet: predicts the noise in a batch of latents at one timestep, conditioned on text.
 *
 * <p>Contract (checked by the UNetRuntimeContract test every implementation's test extends): the output
 * has the shape of {@code sample}; the same input gives the same output; item i's output does not depend
 * on the other items of the batch, including their timesteps (each item has its own); different timesteps
 * give different outputs.
 *
 * <p>Threads: one caller at a time (the worker's device thread). Failure: {@link InferenceException}
 * when the runtime fails on a call; {@link IllegalArgumentException} for arrays that do not match the
 * stated shape (a caller bug).
 */
public interface UNetRuntime extends AutoCloseable {
    /** Latent channels of Stable Diffusion 1.x and 2.x. */
    int LATENT_CHANNELS = 4;
    /** Input channels of an inpainting UNet: latents, mask, masked-image latents. */
    int INPAINT_CHANNELS = 9;

    /**
     * Channels of {@code sample}: {@link #LATENT_CHANNELS}, or {@link #INPAINT_CHANNELS} for an inpainting UNet
     * (whose output still has 4). Only the ONNX Runtime UNet takes 9 so far.
     */
    default int inputChannels() {
        return LATENT_CHANNELS;
    }

    /**
     * @param sample latents, row-major {@code [batch, inputChannels(), height, width]}
     * @param timesteps the scheduler's timestep of each item ({@code batch} values): step-level batching puts
     *     items of different jobs, each at its own step, into one call
     * @param encoderHiddenStates text states, row-major {@code [batch, 77, D]}
     * @param batch number of items
     * @param height latent height (image height / 8)
     * @param width latent width (image width / 8)
     * @return the noise prediction, row-major {@code [batch, 4, height, width]}
     */
    float[] predictNoise(float[] sample, float[] timesteps, float[] encoderHiddenStates, int batch, int height,
            int width);

    /** {@link #predictNoise(float[], float[], float[], int, int, int)} with one timestep for every item. */
    default float[] predictNoise(float[] sample, float timestep, float[] encoderHiddenStates, int batch, int height,
            int width) {
        float[] timesteps = new float[Math.max(0, batch)];
        java.util.Arrays.fill(timesteps, timestep);
        return predictNoise(sample, timesteps, encoderHiddenStates, batch, height, width);
    }

    /**
     * The largest batch one {@link #predictNoise} call may have at this latent size, for runtimes with
     * static shapes (TensorRT engines): the pipeline sizes its chunks by it. Empty for dynamic-shape runtimes,
     * which take any batch; {@code 0} when no call at this size can run (no engine for the size).
     */
    default OptionalInt maxBatch(int latentHeight, int latentWidth) {
        return OptionalInt.empty();
    }

    /**
     * The latent sizes a static-shape runtime has engines for; empty for dynamic-shape runtimes, which take
     * any size. The pipeline derives its known-good probe from it (the smallest size the UNet serves).
     */
    default java.util.List<LatentSize> staticSizes() {
        return java.util.List.of();
    }

    /** Which runtime and device this is, with the engine version, e.g. {@code onnxruntime-1.21.1/cpu}, for completion events and logs. */
    String identity();

    @Override
    void close();
}
