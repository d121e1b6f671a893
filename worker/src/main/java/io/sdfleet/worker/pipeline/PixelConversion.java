package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.image.RgbImage;

/**
 * One decoded image (VAE output, planar {@code [3, H, W]} float32 in about [-1, 1]) to packed 8-bit RGB,
 * exactly as diffusers post-processes: {@code (x / 2 + 0.5).clamp(0, 1)} in float32, then numpy_to_pil's
 * {@code (x * 255).round().astype("uint8")}, where numpy rounds half to even ({@link Math#rint}).
 *
 * <p>Per image on purpose (STYLE habit 6): it reads one image at an offset and knows nothing of the batch.
 * Stateless.
 */
final class PixelConversion {
    private static final int CHANNELS = 3;

    private PixelConversion() {
    }

    /**
     * @param decoded the VAE output
     * @param offset where this image's {@code 3 * height * width} values start
     */
    static RgbImage toRgb(float[] decoded, int offset, int width, int height) {
        int plane = width * height;
        byte[] rgb = new byte[plane * CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            int source = offset + c * plane;
            for (int p = 0; p < plane; p++) {
                rgb[p * CHANNELS + c] = toByte(decoded[source + p]);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** One value: denormalize, clamp, scale, round half to even. NaN becomes 0 (numpy's cast gives 0 too). */
    static byte toByte(float value) {
        float unit = value / 2f + 0.5f;
        if (unit < 0f) {
            unit = 0f;
        } else if (unit > 1f) {
            unit = 1f;
        }
        return (byte) (int) Math.rint(unit * 255f);
    }
}
