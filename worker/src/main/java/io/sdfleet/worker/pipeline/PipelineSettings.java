package io.sdfleet.worker.pipeline;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.util.List;

/**
 * Settings of {@link StableDiffusionPipeline}, validated when constructed. {@link #SETTINGS} declares the one
 * read from the environment; {@code maxBatchImages} comes from the device's {@code SDFLEET_BATCH_MAX_IMAGES}
 * (0 there keeps {@link #DEFAULT_MAX_BATCH_IMAGES}), because the device stage and the pipeline share that limit.
 *
 * @param maxBatchImages the most images whose UNet items share one call (a guided image is two items, so a
 *     call holds at most twice this many items); 1..{@value #MAX_BATCH_IMAGES}; default
 *     {@value #DEFAULT_MAX_BATCH_IMAGES} (on CPU a larger batch buys little; on a GPU raise it to what the UNet's
 *     memory or engine profiles allow)
 * @param vaeBatchImages the most images the VAE decoder takes in one call; 1..{@value #MAX_BATCH_IMAGES};
 *     default {@value #DEFAULT_VAE_BATCH_IMAGES}: the VAE's activations at full size are the peak of the
 *     device's memory (several GB per 512x512 image for SD 1.x in float32) while the VAE is a small share of the
 *     time, so decoding one image at a time bounds memory at little cost (diffusers' "VAE slicing")
 */
public record PipelineSettings(int maxBatchImages, int vaeBatchImages) {

    public static final int DEFAULT_MAX_BATCH_IMAGES = 4;
    public static final int MAX_BATCH_IMAGES = 64;
    public static final int DEFAULT_VAE_BATCH_IMAGES = 1;

    public static final Setting<Integer> VAE_BATCH_IMAGES_SETTING = Setting.integer("SDFLEET_VAE_BATCH_IMAGES",
            DEFAULT_VAE_BATCH_IMAGES, 1, MAX_BATCH_IMAGES, "Most images the VAE decodes in one call; 1 bounds the"
                    + " peak memory (the VAE's full-size activations) at little cost in time.");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(VAE_BATCH_IMAGES_SETTING);

    public PipelineSettings {
        requireRange("maxBatchImages", maxBatchImages, 1, MAX_BATCH_IMAGES);
        requireRange("vaeBatchImages", vaeBatchImages, 1, MAX_BATCH_IMAGES);
    }

    /** Every setting at its default (CPU-friendly). */
    public static PipelineSettings defaults() {
        return new PipelineSettings(DEFAULT_MAX_BATCH_IMAGES, DEFAULT_VAE_BATCH_IMAGES);
    }

    /**
     * Reads these settings into a shared reader, with {@link #DEFAULT_MAX_BATCH_IMAGES} (see the class comment);
     * call {@link ConfigReader#throwIfInvalid()} before using the result.
     */
    public static PipelineSettings read(ConfigReader reader) {
        return new PipelineSettings(DEFAULT_MAX_BATCH_IMAGES, reader.get(VAE_BATCH_IMAGES_SETTING));
    }

    public PipelineSettings withMaxBatchImages(int value) {
        return new PipelineSettings(value, vaeBatchImages);
    }

    public PipelineSettings withVaeBatchImages(int value) {
        return new PipelineSettings(maxBatchImages, value);
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", was " + value);
        }
    }
}
