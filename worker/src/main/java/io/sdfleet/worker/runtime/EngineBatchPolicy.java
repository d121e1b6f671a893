package io.sdfleet.worker.runtime;

import java.util.Optional;

/**
 * Which static-batch TensorRT engine serves a UNet call of a given batch ({@code SDFLEET_TRT_FIXED_BATCH}).
 *
 * <p>Why it matters: the pipeline promises that a request and seed give byte-identical PNGs alone or
 * inside any batch. Padding never changes an item's inputs, but two engines of different batch sizes are two
 * different TensorRT builds: each picks its own kernels (tactics), which may add in another order, so the
 * same item can come out a few ulps apart, and after many denoising steps as different bytes. Running every
 * call of a latent size on one engine removes that; the cost is that a partial batch pays for the full
 * engine batch (an image alone computes 8 UNet items instead of 2 with the default profiles).
 *
 * <p>Pure logic over {@link EngineProfiles}; tested without a GPU.
 */
public enum EngineBatchPolicy {
    /**
     * Every call of a latent size runs on the largest engine for that size: an image's bytes do not depend on
     * how many other images share its batch. The default.
     */
    FIXED,
    /**
     * The engine with the smallest batch that fits: faster on partial batches, but the same image may run on
     * different engines alone and inside a batch, so its bytes may depend on the batch's composition.
     */
    SMALLEST_FITTING;

    /** The profile that serves {@code batch} items of this latent size; empty when none can. */
    public Optional<EngineProfile> select(EngineProfiles profiles, int batch, int height, int width) {
        Optional<EngineProfile> fitting = profiles.select(batch, height, width);
        if (this == SMALLEST_FITTING || fitting.isEmpty()) {
            return fitting;
        }
        return profiles.select(profiles.maxBatch(height, width), height, width);
    }
}
