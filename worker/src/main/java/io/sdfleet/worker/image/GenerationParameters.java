package io.sdfleet.worker.image;

import java.util.Objects;

/**
 * What made an image, as {@link A1111Parameters} writes it into the PNG. Plain values on purpose: this
 * package does not depend on the wire contract, the pipeline fills it from the job.
 *
 * @param prompt           the prompt as the user gave it
 * @param negativePrompt   the negative prompt; empty (or null) when there is none
 * @param steps            number of denoising steps requested
 * @param samplerWireName  the scheduler's wire name, e.g. {@code "euler-a"}
 * @param cfgScale         classifier-free guidance scale, as a double (for a float on the wire, pass
 *                         {@code Double.parseDouble(Float.toString(f))} to keep "7.3" rather than
 *                         "7.300000190734863")
 * @param seed             the image's seed (written unsigned)
 * @param width            image width in pixels
 * @param height           image height in pixels
 * @param model            model name; empty (or null) to leave the field out
 * @param denoisingStrength img2img and inpainting: the strength the picture was re-drawn at; null for txt2img
 */
public record GenerationParameters(String prompt, String negativePrompt, int steps, String samplerWireName,
                                   double cfgScale, long seed, int width, int height, String model,
                                   Double denoisingStrength) {

    /** Parameters of a txt2img image. */
    public GenerationParameters(String prompt, String negativePrompt, int steps, String samplerWireName,
            double cfgScale, long seed, int width, int height, String model) {
        this(prompt, negativePrompt, steps, samplerWireName, cfgScale, seed, width, height, model, null);
    }

    public GenerationParameters {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(samplerWireName, "samplerWireName");
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        model = model == null ? "" : model;
    }
}
