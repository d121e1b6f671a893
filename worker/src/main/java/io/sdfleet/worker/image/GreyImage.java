package io.sdfleet.worker.image;

import java.util.Objects;

/**
 * An 8-bit single-channel picture (PIL's mode "L"): {@code pixels} holds {@code width * height} bytes, row-major,
 * top row first (unsigned values in Java's signed bytes). Like {@link RgbImage}, the array is handed over, not
 * copied.
 *
 * @param width pixels per row, at least 1
 * @param height rows, at least 1
 * @param pixels exactly {@code width * height} bytes
 */
public record GreyImage(int width, int height, byte[] pixels) {

    /** @throws IllegalArgumentException if a dimension is not positive or the array has the wrong length */
    public GreyImage {
        Objects.requireNonNull(pixels, "pixels");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " grey image needs "
                    + ((long) width * height) + " bytes, got " + pixels.length);
        }
    }

    /**
     * PIL's {@code convert("L")} of an RGB image: ITU-R 601-2 luma in fixed point,
     * {@code (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16}.
     */
    public static GreyImage luma(RgbImage image) {
        byte[] rgb = image.rgb();
        byte[] out = new byte[image.width() * image.height()];
        for (int i = 0; i < out.length; i++) {
            int r = rgb[3 * i] & 0xFF;
            int g = rgb[3 * i + 1] & 0xFF;
            int b = rgb[3 * i + 2] & 0xFF;
            out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
        return new GreyImage(image.width(), image.height(), out);
    }
}
