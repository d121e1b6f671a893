package io.sdfleet.worker.scheduler;

import java.util.Objects;

/**
 * The latent-space arithmetic of diffusers' StableDiffusionInpaintPipeline denoising loop, for the two UNet
 * kinds it supports.
 *
 * <p>A 9-channel inpainting UNet (runwayml/stable-diffusion-inpainting) sees the mask and the masked image:
 * its input is {@code cat([scale_model_input(latents), mask, masked_image_latents], dim=1)}, channels 0-3 the
 * scaled latents, 4 the latent-size mask, 5-8 the masked image's latents ({@link #unetInput}). An ordinary
 * 4-channel UNet does not; instead, after every step the region to keep is put back:
 * {@code latents = (1 - mask) * known + mask * latents}, where {@code known} is the image's latents noised to
 * the NEXT step's timestep ({@code add_noise(image_latents, noise, timesteps[i + 1])}, with the noise drawn
 * for the start), or the clean image latents after the last step ({@link #knownRegionAfterStep},
 * {@link #blendKnownRegion}).
 *
 * <p>Masks here are latent-size ({@code [batch, 1, h, w]}, 1 = repaint, 0 = keep, already binarized), one per
 * image, broadcast over the channels as torch broadcasts them; arrays are row-major NCHW, float32, and the
 * arithmetic is diffusers' in its order. Stateless; inputs are never modified.
 */
public final class InpaintLatents {

    /** Channels of an inpainting UNet's input: 4 latents + 1 mask + 4 masked-image latents. */
    public static final int INPAINT_UNET_CHANNELS = 9;

    private InpaintLatents() {
    }

    /**
     * The 9-channel UNet input of one UNet call: per batch item, the 4 channels of {@code scaledLatents}, then
     * the mask's channel, then the 4 of {@code maskedImageLatents}. Under classifier-free guidance the caller
     * passes the doubled ([uncond..., cond...]) batch for all three, as diffusers repeats mask and masked latents.
     *
     * @param scaledLatents {@code scale_model_input(latents)}, {@code [batch, 4, h, w]}
     * @param mask {@code [batch, 1, h, w]}
     * @param maskedImageLatents {@code [batch, 4, h, w]}, the scaled VAE latents of the masked image
     * @return {@code [batch, 9, h, w]}
     */
    public static float[] unetInput(float[] scaledLatents, float[] mask, float[] maskedImageLatents, int batch,
            int height, int width) {
        int plane = height * width;
        requireLength("scaledLatents", scaledLatents, batch * 4 * plane);
        requireLength("mask", mask, batch * plane);
        requireLength("maskedImageLatents", maskedImageLatents, batch * 4 * plane);
        float[] out = new float[batch * INPAINT_UNET_CHANNELS * plane];
        for (int b = 0; b < batch; b++) {
            int base = b * INPAINT_UNET_CHANNELS * plane;
            System.arraycopy(scaledLatents, b * 4 * plane, out, base, 4 * plane);
            System.arraycopy(mask, b * plane, out, base + 4 * plane, plane);
            System.arraycopy(maskedImageLatents, b * 4 * plane, out, base + 5 * plane, 4 * plane);
        }
        return out;
    }

    /**
     * What a 4-channel UNet's trajectory keeps after step {@code stepIndex}: the image latents noised to the next
     * step ({@link Scheduler#addNoise} at {@code stepIndex + 1}), or the image latents themselves after the last
     * step. Call after {@code scheduler.step(..., stepIndex, ...)}.
     *
     * @param imageLatents the scaled VAE latents of the init image
     * @param noise the noise drawn at the start (diffusers reuses it for every step)
     */
    public static float[] knownRegionAfterStep(Scheduler scheduler, float[] imageLatents, float[] noise,
            int stepIndex) {
        Objects.requireNonNull(scheduler, "scheduler");
        int last = scheduler.timesteps().length - 1;
        if (stepIndex < 0 || stepIndex > last) {
            throw new IndexOutOfBoundsException("step index " + stepIndex + " outside 0.." + last);
        }
        if (stepIndex == last) {
            return imageLatents.clone();
        }
        return scheduler.addNoise(imageLatents, noise, stepIndex + 1);
    }

    /**
     * {@code (1 - mask) * known + mask * latents}, the mask broadcast over the channels (float32, in diffusers'
     * order: both products, then the sum).
     *
     * @param mask {@code [batch, 1, h, w]} (not doubled for guidance)
     * @param known {@code [batch, channels, h, w]}
     * @param latents the step's result, same shape
     * @return a new array
     */
    public static float[] blendKnownRegion(float[] mask, float[] known, float[] latents, int batch, int channels,
            int height, int width) {
        int plane = height * width;
        requireLength("mask", mask, batch * plane);
        requireLength("known", known, batch * channels * plane);
        requireLength("latents", latents, batch * channels * plane);
        float[] out = new float[latents.length];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                int offset = (b * channels + c) * plane;
                for (int p = 0; p < plane; p++) {
                    float m = mask[b * plane + p];
                    out[offset + p] = (1.0f - m) * known[offset + p] + m * latents[offset + p];
                }
            }
        }
        return out;
    }

    private static void requireLength(String what, float[] values, int expected) {
        Objects.requireNonNull(values, what);
        if (values.length != expected) {
            throw new IllegalArgumentException(what + " has " + values.length + " values, expected " + expected);
        }
    }
}
