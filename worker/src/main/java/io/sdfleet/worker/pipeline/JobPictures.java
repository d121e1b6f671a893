package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.image.DiffusersImageProcessor;
import io.sdfleet.worker.image.RgbImage;
import java.util.Objects;

/**
 * The pictures one img2img or inpainting job starts from, already brought to the job's size as diffusers'
 * image processors do ({@link DiffusersImageProcessor}: LANCZOS resize, [-1, 1] pixels; the mask binarized).
 * Made off the device thread (the resize is the expensive part), consumed by {@link StableDiffusionPipeline}.
 *
 * <p>Memory: 16 bytes per pixel of the job's size at most (12 for the picture, 4 for the mask), held while
 * the job waits for the device: 4 MiB for a 512 x 512 inpainting job.
 *
 * @param init  {@code [3, height, width]} in [-1, 1]
 * @param mask  {@code [1, height, width]} of 0 (keep) and 1 (repaint); null for img2img
 * @param width the job's width (a multiple of 8)
 * @param height the job's height
 */
public record JobPictures(float[] init, float[] mask, int width, int height) {

    public JobPictures {
        Objects.requireNonNull(init, "init");
        if (init.length != 3 * width * height || (mask != null && mask.length != width * height)) {
            throw new IllegalArgumentException("pictures do not fill " + width + " x " + height);
        }
    }

    /** Decoded pictures brought to {@code width x height} (the mask, if any, must have the picture's size). */
    public static JobPictures fitted(RgbImage init, RgbImage mask, int width, int height) {
        return new JobPictures(DiffusersImageProcessor.initImage(init, width, height),
                mask == null ? null : DiffusersImageProcessor.mask(mask, width, height), width, height);
    }

    /** Whether this is inpainting. */
    public boolean inpaint() {
        return mask != null;
    }
}
