package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.image.RgbImage;

/**
 * One decoded image of a job.
 *
 * @param index  the image's index within its job (0-based); the object key ends in {@code <index>.png}
 * @param seed   the seed this image was drawn from: the job's seed + index, as diffusers users expect
 * @param pixels the VAE's output, converted to 8-bit RGB by {@link #image()} on the thread that asks
 */
public record GeneratedImage(int index, long seed, DecodedImage pixels) {

    /** An image already in 8-bit RGB. */
    public GeneratedImage(int index, long seed, RgbImage image) {
        this(index, seed, DecodedImage.of(image));
    }

    /** 8-bit RGB pixels (converted on the first call). */
    public RgbImage image() {
        return pixels.rgb();
    }

    public int width() {
        return pixels.width();
    }

    public int height() {
        return pixels.height();
    }
}
