package io.sdfleet.worker.image;

/**
 * How large an uploaded picture may be, checked against its header before anything is decoded (a decompression
 * bomb, or a header claiming 100000 x 100000, costs a few bytes of parsing and no allocation).
 *
 * @param maxWidth the widest accepted image, in pixels
 * @param maxHeight the tallest accepted image, in pixels
 * @param maxPixels the most pixels (width x height) accepted; decoding allocates about 4 bytes per pixel for a
 *     moment (ImageIO's raster, then our RGB copy)
 */
public record InputImageLimits(int maxWidth, int maxHeight, long maxPixels) {

    /** Default: the contract's largest job side (2048) four times over, so a large photo can be scaled down. */
    public static final int DEFAULT_MAX_SIDE = 8192;

    /** Default: 40 megapixels (a high-end phone photo), about 160 MB while it is decoded. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    public static final InputImageLimits DEFAULT = new InputImageLimits(DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE,
            DEFAULT_MAX_PIXELS);

    /** @throws IllegalArgumentException when a limit is not positive */
    public InputImageLimits {
        if (maxWidth < 1 || maxHeight < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("image limits must be positive: " + maxWidth + " x " + maxHeight
                    + ", " + maxPixels + " pixels");
        }
    }

    /** Refuses a declared size over these limits. */
    void check(String what, long width, long height) throws InputImageException {
        if (width > maxWidth || height > maxHeight || width * height > maxPixels) {
            throw new InputImageException(InputImageException.Reason.TOO_LARGE, what + " declares " + width + " x "
                    + height + " pixels, over the limit of " + maxWidth + " x " + maxHeight + " and " + maxPixels
                    + " pixels; nothing was decoded");
        }
    }
}
