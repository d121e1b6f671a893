package io.sdfleet.worker.device;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import io.sdfleet.worker.pipeline.PipelineSettings;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the device stage, declared once (STYLE habit 7) and validated when read.
 *
 * @param batching               how jobs share the device ({@link Batching})
 * @param batchMaxImages         most images in one UNet call; 0 = the pipeline's default
 * @param batchMaxWait           static batching: longest wait of a batch's oldest job for compatible jobs
 * @param decodeImagesPerStep    continuous batching: most images decoded between two UNet calls while other
 *                               jobs are denoising (all of them when nothing else waits)
 * @param maxConsecutiveDeviceFaults device faults in a row, with no real work succeeding in between, after
 *                               which the worker stops (exit 1) so that the orchestrator restarts it
 */
public record DeviceSettings(Batching batching, int batchMaxImages, Duration batchMaxWait, int decodeImagesPerStep,
                             int maxConsecutiveDeviceFaults) {

    public static final Batching DEFAULT_BATCHING = Batching.CONTINUOUS;
    public static final int DEFAULT_BATCH_MAX_IMAGES = 0;
    public static final Duration DEFAULT_BATCH_MAX_WAIT = Duration.ofMillis(50);
    public static final int DEFAULT_DECODE_IMAGES_PER_STEP = 1;
    public static final int DEFAULT_MAX_CONSECUTIVE_DEVICE_FAULTS = 3;

    public static final Setting<Batching> BATCHING = Setting.oneOf("SDFLEET_BATCHING", Batching.class,
            DEFAULT_BATCHING, "continuous: every UNet call runs one denoising step for every active job of one"
                    + " latent size, whatever their steps, scheduler, guidance or arrival; jobs join and leave between"
                    + " calls. static: a batch of jobs with the same size, steps and scheduler runs to its end before"
                    + " the next one starts.");
    public static final Setting<Integer> BATCH_MAX_IMAGES = Setting.integer("SDFLEET_BATCH_MAX_IMAGES",
            DEFAULT_BATCH_MAX_IMAGES, 0, PipelineSettings.MAX_BATCH_IMAGES,
            "Most images sharing one UNet call (a guided image is two UNet items); 0 means the pipeline's default ("
                    + PipelineSettings.DEFAULT_MAX_BATCH_IMAGES + "); a TensorRT UNet is further capped by its largest"
                    + " engine.");
    public static final Setting<Duration> BATCH_MAX_WAIT = Setting.duration("SDFLEET_BATCH_MAX_WAIT",
            DEFAULT_BATCH_MAX_WAIT, Duration.ZERO, Duration.ofMinutes(1),
            "Static batching only: longest time the oldest job of a batch waits for more compatible jobs"
                    + " (continuous batching admits jobs at the next UNet call and never waits).");
    public static final Setting<Integer> DECODE_IMAGES_PER_STEP = Setting.integer("SDFLEET_DECODE_IMAGES_PER_STEP",
            DEFAULT_DECODE_IMAGES_PER_STEP, 1, PipelineSettings.MAX_BATCH_IMAGES,
            "Continuous batching: most finished images VAE-decoded between two UNet calls while other jobs are"
                    + " denoising, so a finishing job does not stall them (all at once when nothing else runs).");
    public static final Setting<Integer> MAX_CONSECUTIVE_DEVICE_FAULTS = Setting.integer(
            "SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS", DEFAULT_MAX_CONSECUTIVE_DEVICE_FAULTS, 1, 100,
            "Device faults in a row (a model call failing for the device's reasons, with no real work succeeding"
                    + " in between) after which the worker stops with exit 1 so the orchestrator restarts it; a"
                    + " broken runtime (native library error) stops it at once.");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(BATCHING, BATCH_MAX_IMAGES, BATCH_MAX_WAIT,
            DECODE_IMAGES_PER_STEP, MAX_CONSECUTIVE_DEVICE_FAULTS);

    /** How jobs share the device. */
    public enum Batching {
        /** Step-level batching: jobs join and leave the set that shares each UNet call between calls. */
        CONTINUOUS,
        /** A micro-batch of compatible jobs runs to its end before the next starts. */
        STATIC
    }

    public DeviceSettings {
        if (batchMaxImages < 0 || batchMaxImages > PipelineSettings.MAX_BATCH_IMAGES) {
            throw new IllegalArgumentException("batchMaxImages out of range: " + batchMaxImages);
        }
        if (decodeImagesPerStep < 1 || maxConsecutiveDeviceFaults < 1 || batchMaxWait.isNegative()) {
            throw new IllegalArgumentException("device settings out of range");
        }
    }

    /** Every setting at its default. */
    public static DeviceSettings defaults() {
        return new DeviceSettings(DEFAULT_BATCHING, DEFAULT_BATCH_MAX_IMAGES, DEFAULT_BATCH_MAX_WAIT,
                DEFAULT_DECODE_IMAGES_PER_STEP, DEFAULT_MAX_CONSECUTIVE_DEVICE_FAULTS);
    }

    /** Reads these settings into a shared reader; call {@link ConfigReader#throwIfInvalid()} before use. */
    public static DeviceSettings read(ConfigReader reader) {
        return new DeviceSettings(reader.get(BATCHING), reader.get(BATCH_MAX_IMAGES), reader.get(BATCH_MAX_WAIT),
                reader.get(DECODE_IMAGES_PER_STEP), reader.get(MAX_CONSECUTIVE_DEVICE_FAULTS));
    }

    public DeviceSettings withBatching(Batching value) {
        return new DeviceSettings(value, batchMaxImages, batchMaxWait, decodeImagesPerStep, maxConsecutiveDeviceFaults);
    }

    /** The images per call the batcher aims at: the setting, capped to the pipeline's limit (0 = that). */
    public int effectiveBatchMaxImages(int pipelineMax) {
        return batchMaxImages == 0 ? pipelineMax : Math.min(batchMaxImages, pipelineMax);
    }
}
