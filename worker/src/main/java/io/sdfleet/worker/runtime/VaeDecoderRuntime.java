package io.sdfleet.worker.runtime;

/**
 * The VAE decoder: latents (already divided by the VAE scaling factor) to images in about [-1, 1].
 *
 * <p>Threads: one caller at a time. Failure: {@link InferenceException} when the runtime fails.
 */
public interface VaeDecoderRuntime extends AutoCloseable {
    /** Image pixels per latent pixel along each axis. */
    int SCALE = 8;

    /**
     * @param latents row-major {@code [batch, 4, height, width]}
     * @return images, row-major {@code [batch, 3, 8 * height, 8 * width]}, not clipped
     */
    float[] decode(float[] latents, int batch, int height, int width);

    @Override
    void close();
}
