package io.sdfleet.worker.scheduler;

/**
 * Supplies standard normal noise for the stochastic schedulers (Euler ancestral, DDIM with eta &gt; 0).
 *
 * <p>{@link #fill(float[])} receives an array shaped like the whole micro-batch (flat NCHW, B images) and must
 * overwrite every element. The pipeline's implementation fills each image's slice from that image's own
 * torch-compatible generator, so an image does not depend on its batch mates; tests inject recorded noise.
 * A scheduler calls it at most once per {@code step()}, in step order, exactly when diffusers draws noise.
 */
@FunctionalInterface
public interface NoiseSource {

    /** Overwrites {@code dest} with N(0, 1) float32 samples. */
    void fill(float[] dest);
}
