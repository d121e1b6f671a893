package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.image.RgbImage;

/**
 * One image as the VAE decoder returned it (planar {@code [3, H, W]} float32 in about [-1, 1]) that becomes
 * 8-bit RGB ({@link PixelConversion}) when first asked for, on the thread that asks: the store pool, so that the
 * device thread hands the image over right after the VAE call and goes back to the device (the conversion is a
 * few milliseconds of Java per 512x512 image, device time lost if the device thread did it).
 *
 * <p>Thread-safe: the conversion runs once; the float pixels are dropped after it.
 */
public final class DecodedImage {
    private final int width;
    private final int height;
    private float[] planar;
    private RgbImage rgb;

    /** @param planar this image's {@code 3 * height * width} VAE output values (taken, not copied) */
    DecodedImage(float[] planar, int width, int height) {
        if (planar.length != 3 * width * height) {
            throw new IllegalArgumentException("expected " + 3 * width * height + " values, got " + planar.length);
        }
        this.planar = planar;
        this.width = width;
        this.height = height;
    }

    /** An image already in 8-bit RGB (tests, benchmarks). */
    public static DecodedImage of(RgbImage rgb) {
        DecodedImage image = new DecodedImage(new float[3 * rgb.width() * rgb.height()], rgb.width(), rgb.height());
        image.rgb = rgb;
        image.planar = null;
        return image;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The image in 8-bit RGB, exactly as diffusers post-processes (converted on the first call). */
    public synchronized RgbImage rgb() {
        if (rgb == null) {
            rgb = PixelConversion.toRgb(planar, 0, width, height);
            planar = null;
        }
        return rgb;
    }
}
