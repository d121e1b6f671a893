package io.sdfleet.worker.image;

import java.util.Objects;

/**
 * The pixel-side preparation of diffusers' StableDiffusionImg2ImgPipeline and StableDiffusionInpaintPipeline
 * (diffusers 0.35.2), from a decoded picture ({@link InputImageDecoder}, i.e. {@code load_image}) to the float
 * tensors the VAE encoder and the inpainting UNet take, bit for bit:
 * <ul>
 *   <li>{@link #initImage}: {@code VaeImageProcessor(vae_scale_factor=8).preprocess(image, height, width)}: the
 *       size rounded down to multiples of 8, a {@link PilLanczos} resize when the picture's size differs, then
 *       {@code float32(v) / 255}, then {@code 2 x - 1}: {@code [3, H, W]} in [-1, 1].</li>
 *   <li>{@link #mask}: the pipeline's {@code mask_processor} ({@code do_normalize=False, do_binarize=True,
 *       do_convert_grayscale=True}): resize the RGB picture with LANCZOS (the processor's {@code resample}
 *       default; the grey conversion comes after the resize), {@code convert("L")}, {@code / 255}, then
 *       values below 0.5 become 0 and the others 1: {@code [1, H, W]}, 1 = repaint.</li>
 *   <li>{@link #maskedImage}: {@code init_image * (mask < 0.5)}: the repainted region set to 0 (mid-grey).</li>
 *   <li>{@link #latentMask}: {@code torch.nn.functional.interpolate(mask, size=(H / 8, W / 8))}, mode nearest, with
 *       torch's source index {@code min(floor(i * (float) in / out), in - 1)}.</li>
 * </ul>
 * Tensors are row-major float32 for ONE image (batch 1); the caller stacks a batch. Stateless, thread-safe.
 */
public final class DiffusersImageProcessor {

    /** Pixels per latent along each side: the VAE's scale factor. */
    public static final int VAE_SCALE_FACTOR = 8;

    private DiffusersImageProcessor() {
    }

    /**
     * The size VaeImageProcessor gives a requested side: {@code x - x % 8}.
     *
     * @throws IllegalArgumentException for a side smaller than 8
     */
    public static int processedSide(int requested) {
        int side = requested - requested % VAE_SCALE_FACTOR;
        if (side < VAE_SCALE_FACTOR) {
            throw new IllegalArgumentException("an image side must be at least " + VAE_SCALE_FACTOR + ", got "
                    + requested);
        }
        return side;
    }

    /** The init image as the VAE encoder takes it: {@code [3, H, W]} in [-1, 1], H and W the processed sides. */
    public static float[] initImage(RgbImage image, int width, int height) {
        RgbImage sized = resizedTo(image, processedSide(width), processedSide(height));
        int plane = sized.width() * sized.height();
        byte[] rgb = sized.rgb();
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float unit = (rgb[3 * p + c] & 0xFF) / 255.0f;
                out[c * plane + p] = 2.0f * unit - 1.0f;
            }
        }
        return out;
    }

    /** The binarized mask: {@code [1, H, W]} of 0 (keep) and 1 (repaint). */
    public static float[] mask(RgbImage mask, int width, int height) {
        GreyImage grey = GreyImage.luma(resizedTo(mask, processedSide(width), processedSide(height)));
        byte[] pixels = grey.pixels();
        float[] out = new float[pixels.length];
        for (int p = 0; p < out.length; p++) {
            float unit = (pixels[p] & 0xFF) / 255.0f;
            out[p] = unit < 0.5f ? 0.0f : 1.0f;
        }
        return out;
    }

    /**
     * {@code init * (mask < 0.5)}, the mask broadcast over the 3 channels (a repainted negative value becomes -0.0,
     * as torch's product gives it).
     */
    public static float[] maskedImage(float[] init, float[] mask) {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(mask, "mask");
        if (init.length != 3 * mask.length) {
            throw new IllegalArgumentException("init image has " + init.length + " values, the mask " + mask.length
                    + "; expected 3 values per mask value");
        }
        int plane = mask.length;
        float[] out = new float[init.length];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                out[c * plane + p] = init[c * plane + p] * (mask[p] < 0.5f ? 1.0f : 0.0f);
            }
        }
        return out;
    }

    /**
     * The mask at latent size, {@code [1, H / 8, W / 8]}, by nearest-neighbour interpolation as torch does it.
     *
     * @param width the mask's (processed) width, a multiple of 8
     * @param height its processed height
     */
    public static float[] latentMask(float[] mask, int width, int height) {
        Objects.requireNonNull(mask, "mask");
        if (mask.length != width * height) {
            throw new IllegalArgumentException("mask has " + mask.length + " values, expected " + width + " x "
                    + height);
        }
        int outW = width / VAE_SCALE_FACTOR;
        int outH = height / VAE_SCALE_FACTOR;
        float[] out = new float[outW * outH];
        for (int y = 0; y < outH; y++) {
            int sy = nearestSource(y, height, outH);
            for (int x = 0; x < outW; x++) {
                out[y * outW + x] = mask[sy * width + nearestSource(x, width, outW)];
            }
        }
        return out;
    }

    /** torch's nearest_idx (UpSample.h) without a scale factor. */
    static int nearestSource(int outputIndex, int inputSize, int outputSize) {
        if (outputSize == inputSize) {
            return outputIndex;
        }
        if (outputSize == 2 * inputSize) {
            return outputIndex >> 1;
        }
        float scale = (float) inputSize / outputSize;
        return Math.min((int) Math.floor((float) outputIndex * scale), inputSize - 1);
    }

    private static RgbImage resizedTo(RgbImage image, int width, int height) {
        if (image.width() == width && image.height() == height) {
            return image;
        }
        return PilLanczos.resize(image, width, height);
    }
}
