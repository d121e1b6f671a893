package io.sdfleet.worker.pipeline;

/**
 * Settings of {@link StableDiffusionPipeline}, validated when constructed.
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
