package io.sdfleet.worker.pipeline;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.util.List;

/**
 * Settings of {@link StableDiffusionPipeline}, validated when constructed. {@link #SETTINGS} declares the two
 * read from the environment; {@code maxBatchImages} comes from the worker's {@code SDFLEET_BATCH_MAX_IMAGES}
 * (0 there keeps {@link #DEFAULT_MAX_BATCH_IMAGES}), because the batcher and the pipeline share that limit.
 * No rule links these settings: a VAE batch above the UNet chunk is simply never reached.
 *
 * @param maxBatchImages the most images run through the UNet together; the batcher's target
 *     ({@link BatchPipeline#maxBatchImages()}). A call with more images (e.g. one job of 8 images) runs in
 *     consecutive chunks of at most this many, which gives the same bytes because images are independent.
 *     1..{@value #MAX_BATCH_IMAGES}; default {@value #DEFAULT_MAX_BATCH_IMAGES} (on CPU a larger batch buys
 *     little; on a GPU raise it to what the UNet's memory or engine profiles allow, half the largest
 *     TensorRT profile batch since guidance doubles the UNet batch)
 * @param vaeBatchImages the most images the VAE decoder takes in one call; 1..{@value #MAX_BATCH_IMAGES};
 *     default {@value #DEFAULT_VAE_BATCH_IMAGES}: the VAE's activations at full size are the peak of a
 *     batch's memory (several GB per 512x512 image for SD 1.x in float32) while the VAE is a small share of
 *     the time, so decoding one image at a time bounds memory at little cost (diffusers' "VAE slicing")
 * @param maxConsecutiveDeviceFaults after this many batches in a row failed in a runtime call, the
 *     {@link DeviceFault} is marked fatal (the worker should restart); 1..100; default
 *     {@value #DEFAULT_MAX_CONSECUTIVE_DEVICE_FAULTS}. An out-of-memory error is fatal already on its
 *     second occurrence in a row (see {@link RuntimeCallGuard})
 */
public record PipelineSettings(int maxBatchImages, int vaeBatchImages, int maxConsecutiveDeviceFaults) {

    public static final int DEFAULT_MAX_BATCH_IMAGES = 4;
    public static final int MAX_BATCH_IMAGES = 64;
    public static final int DEFAULT_VAE_BATCH_IMAGES = 1;
    public static final int DEFAULT_MAX_CONSECUTIVE_DEVICE_FAULTS = 3;
    public static final int MAX_CONSECUTIVE_DEVICE_FAULTS = 100;

    public static final Setting<Integer> VAE_BATCH_IMAGES_SETTING = Setting.integer("SDFLEET_VAE_BATCH_IMAGES",
            DEFAULT_VAE_BATCH_IMAGES, 1, MAX_BATCH_IMAGES, "Most images the VAE decodes in one call; 1 bounds the"
                    + " peak memory of a batch (the VAE's full-size activations) at little cost in time.");
    public static final Setting<Integer> MAX_CONSECUTIVE_DEVICE_FAULTS_SETTING = Setting.integer(
            "SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS", DEFAULT_MAX_CONSECUTIVE_DEVICE_FAULTS, 1,
            MAX_CONSECUTIVE_DEVICE_FAULTS, "Batches in a row failing in a model runtime call after which the"
                    + " worker stops (exit 1) so the orchestrator restarts it; an out-of-memory error stops it on"
                    + " its second occurrence in a row.");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(VAE_BATCH_IMAGES_SETTING,
            MAX_CONSECUTIVE_DEVICE_FAULTS_SETTING);

    public PipelineSettings {
        requireRange("maxBatchImages", maxBatchImages, 1, MAX_BATCH_IMAGES);
        requireRange("vaeBatchImages", vaeBatchImages, 1, MAX_BATCH_IMAGES);
        requireRange("maxConsecutiveDeviceFaults", maxConsecutiveDeviceFaults, 1, MAX_CONSECUTIVE_DEVICE_FAULTS);
    }

    /** Every setting at its default (CPU-friendly). */
    public static PipelineSettings defaults() {
        return new PipelineSettings(DEFAULT_MAX_BATCH_IMAGES, DEFAULT_VAE_BATCH_IMAGES,
                DEFAULT_MAX_CONSECUTIVE_DEVICE_FAULTS);
    }

    /**
     * Reads these settings into a shared reader, with {@link #DEFAULT_MAX_BATCH_IMAGES} (see the class comment);
     * call {@link ConfigReader#throwIfInvalid()} before using the result.
     */
    public static PipelineSettings read(ConfigReader reader) {
        return new PipelineSettings(DEFAULT_MAX_BATCH_IMAGES, reader.get(VAE_BATCH_IMAGES_SETTING),
                reader.get(MAX_CONSECUTIVE_DEVICE_FAULTS_SETTING));
    }

    public PipelineSettings withMaxBatchImages(int value) {
        return new PipelineSettings(value, vaeBatchImages, maxConsecutiveDeviceFaults);
    }

    public PipelineSettings withVaeBatchImages(int value) {
        return new PipelineSettings(maxBatchImages, value, maxConsecutiveDeviceFaults);
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", was " + value);
        }
    }
}
