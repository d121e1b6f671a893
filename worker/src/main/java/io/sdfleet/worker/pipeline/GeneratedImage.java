package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.image.RgbImage;

/**
 * One decoded image of a job.
 *
 * @param index the image's index within its job (0-based); the object key ends in {@code <index>.png}
 * @param seed  the seed this image was drawn from: the job's seed + index, as diffusers users expect
 * @param image 8-bit RGB pixels
 */
public record GeneratedImage(int index, long seed, RgbImage image) {
}
