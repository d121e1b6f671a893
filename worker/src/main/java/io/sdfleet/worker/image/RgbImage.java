package io.sdfleet.worker.image;

import java.util.Objects;

/**
 * An 8-bit RGB picture: {@code rgb} holds {@code width * height * 3} bytes, row-major, top row first,
 * each pixel as R, G, B (unsigned values carried in Java's signed bytes).
 *
 * <p>The array is not copied (images are large and pass straight from the VAE to the encoder): whoever
 * builds the record hands the array over and must not change it afterwards.
 *
 * @param width  pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgb    the packed pixel bytes, exactly {@code width * height * 3} long
 */
public record RgbImage(int width, int height, byte[] rgb) {

    /** Bytes per pixel of packed 8-bit RGB. */
    public static final int BYTES_PER_PIXEL = 3;

    /**
     * @throws IllegalArgumentException if a dimension is not positive, or the array length is not
     *                                  {@code width * height * 3}
     */
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, got " + width + "x" + height);
        }
        long expected = (long) width * height * BYTES_PER_PIXEL;
        if (rgb.length != expected) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs " + expected
                    + " bytes, got " + rgb.length);
        }
    }

    /** Bytes in one row: {@code width * 3}. */
    public int rowBytes() {
        return width * BYTES_PER_PIXEL;
    }
}
