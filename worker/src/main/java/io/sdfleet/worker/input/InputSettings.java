package io.sdfleet.worker.input;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import io.sdfleet.worker.image.InputImageLimits;
import java.util.List;

/**
 * Bounds of the pictures jobs start from, and the threads that prepare them. Every bound is checked before the
 * work it protects: the object's size while it is read, the image's sides and pixels on its header, before any
 * pixel is decoded.
 *
 * @param maxBytes  largest picture object read
 * @param limits    largest decoded picture (sides, pixels)
 * @param threads   threads that fetch, check, decode and fit pictures
 */
public record InputSettings(int maxBytes, InputImageLimits limits, int threads) {

    public static final int DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
    public static final int DEFAULT_THREADS = 2;

    public static final Setting<Integer> MAX_BYTES = Setting.integer("SDFLEET_INPUT_MAX_BYTES", DEFAULT_MAX_BYTES,
            1024, 1024 * 1024 * 1024, "Largest initImage or maskImage object, in bytes; a larger one fails its job"
                    + " with INIT_IMAGE_INVALID after reading one byte more than this.");
    public static final Setting<Integer> MAX_SIDE = Setting.integer("SDFLEET_INPUT_MAX_SIDE",
            InputImageLimits.DEFAULT_MAX_SIDE, 64, 65_535, "Widest or tallest picture accepted, in pixels, as its"
                    + " header declares it (checked before decoding).");
    public static final Setting<Long> MAX_PIXELS = Setting.longInteger("SDFLEET_INPUT_MAX_PIXELS",
            InputImageLimits.DEFAULT_MAX_PIXELS, 4096, 1_000_000_000L, "Most pixels (width x height) of a picture"
                    + " accepted; decoding holds about 4 bytes per pixel for a moment, per input thread.");
    public static final Setting<Integer> THREADS = Setting.integer("SDFLEET_INPUT_THREADS", DEFAULT_THREADS, 1, 64,
            "Threads that fetch, check, decode and resize the pictures of img2img and inpainting jobs.");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(MAX_BYTES, MAX_SIDE, MAX_PIXELS, THREADS);

    /** The defaults. */
    public static InputSettings defaults() {
        return new InputSettings(DEFAULT_MAX_BYTES, InputImageLimits.DEFAULT, DEFAULT_THREADS);
    }

    /** Reads these settings into a shared reader; call {@link ConfigReader#throwIfInvalid()} before use. */
    public static InputSettings read(ConfigReader reader) {
        int side = reader.get(MAX_SIDE);
        return new InputSettings(reader.get(MAX_BYTES), new InputImageLimits(side, side, reader.get(MAX_PIXELS)),
                reader.get(THREADS));
    }
}
