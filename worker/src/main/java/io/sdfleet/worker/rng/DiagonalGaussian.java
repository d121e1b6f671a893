package io.sdfleet.worker.rng;

import java.util.Objects;

/**
 * diffusers' {@code DiagonalGaussianDistribution(parameters).sample(generator)} (models/autoencoders/vae.py), the
 * latent distribution a VAE encoder returns, sampled with a torch-compatible generator so an img2img job's seed
 * gives diffusers' latents:
 * <pre>
 * mean, logvar = torch.chunk(parameters, 2, dim=1)
 * logvar = torch.clamp(logvar, -30.0, 20.0)
 * std = torch.exp(0.5 * logvar)
 * sample = mean + std * randn_tensor(mean.shape, generator)     # one draw of C * h * w normals
 * </pre>
 * then the pipelines' {@code vae.config.scaling_factor * sample}. All float32, in that order.
 *
 * <p>Order of draws (diffusers 0.35.2, one generator per image as the worker's per-image seeds): img2img
 * samples the image latents FIRST and then draws the noise for {@code add_noise} from the same generator;
 * inpainting draws [the image latents if strength &lt; 1 or the UNet has 4 channels], then the noise, then the
 * masked image's latents (drawn for a 4-channel UNet too, which does not use them), and only then does the
 * denoising loop draw (Euler ancestral). A caller that skips one of these draws shifts every later one.
 *
 * <p>Numerics: torch computes exp with its vectorised float kernel (within 1 ulp); {@link Math#exp} on the
 * float widened to double and rounded back can differ from it by 1 ulp in a few elements (the golden test
 * measures it). Stateless.
 */
public final class DiagonalGaussian {

    /** diffusers' clamp of the log-variance. */
    static final float LOGVAR_MIN = -30.0f;
    static final float LOGVAR_MAX = 20.0f;

    private DiagonalGaussian() {
    }

    /**
     * One image's sample.
     *
     * @param parameters the encoder's {@code latent_parameters}: {@code 2C} planes (C means, then C log-variances)
     *     of {@code height * width} values, starting at {@code offset}
     * @param latentChannels C (4 for Stable Diffusion)
     * @param generator the image's generator; {@code C * height * width} normals are drawn from it
     * @return {@code [C, height, width]} (not yet scaled)
     */
    public static float[] sample(float[] parameters, int offset, int latentChannels, int height, int width,
            TorchGenerator generator) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(generator, "generator");
        int n = latentChannels * height * width;
        if (n <= 0 || offset < 0 || offset + 2L * n > parameters.length) {
            throw new IllegalArgumentException("parameters has " + parameters.length + " values; one image needs "
                    + 2L * n + " from offset " + offset);
        }
        float[] out = new float[n];
        fromNormals(parameters, offset, generator.randn(n), 0, out, 0, n, 1.0f, false);
        return out;
    }

    /**
     * The whole batch at once, with one draw per image from {@link LatentNoise} (whose image shape is
     * {@code [C, height, width]}): image b's sample from its parameters and its slice of {@code normals}, times
     * {@code scalingFactor}. {@code normals} is the batch's next {@link LatentNoise#nextBatch()}; the draw after
     * it is the noise for {@code add_noise}, as in diffusers.
     *
     * @param parameters {@code [batch, 2C, height, width]} (the VAE encoder's latent_parameters)
     * @param normals {@code [batch, C, height, width]} standard normals, image b's from image b's generator
     * @return {@code [batch, C, height, width]}
     */
    public static float[] scaledSamples(float[] parameters, int batch, int latentChannels, int height, int width,
            float[] normals, float scalingFactor) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(normals, "normals");
        int n = latentChannels * height * width;
        if (n <= 0 || batch < 1 || parameters.length != 2L * n * batch || normals.length != (long) n * batch) {
            throw new IllegalArgumentException("a batch of " + batch + " x [" + latentChannels + ", " + height + ", "
                    + width + "] needs " + 2L * n * batch + " parameters and " + (long) n * batch
                    + " normals, got " + parameters.length + " and " + normals.length);
        }
        float[] out = new float[n * batch];
        for (int b = 0; b < batch; b++) {
            fromNormals(parameters, 2 * n * b, normals, n * b, out, n * b, n, scalingFactor, true);
        }
        return out;
    }

    /** mean + std * normal (then times the scaling factor, a separate float32 product as in diffusers). */
    private static void fromNormals(float[] parameters, int offset, float[] normals, int normalsOffset, float[] out,
            int outOffset, int n, float scalingFactor, boolean scale) {
        for (int i = 0; i < n; i++) {
            float mean = parameters[offset + i];
            float sample = mean + std(parameters[offset + n + i]) * normals[normalsOffset + i];
            out[outOffset + i] = scale ? scalingFactor * sample : sample;
        }
    }

    /** {@code scalingFactor * sample(...)}: the image latents the pipelines go on with. */
    public static float[] scaledSample(float[] parameters, int offset, int latentChannels, int height, int width,
            TorchGenerator generator, float scalingFactor) {
        float[] sample = sample(parameters, offset, latentChannels, height, width, generator);
        for (int i = 0; i < sample.length; i++) {
            sample[i] = scalingFactor * sample[i];
        }
        return sample;
    }

    /** exp(0.5 * clamp(logvar, -30, 20)) in float32 (a NaN stays NaN, as in torch). */
    static float std(float logvar) {
        float clamped = logvar < LOGVAR_MIN ? LOGVAR_MIN : logvar > LOGVAR_MAX ? LOGVAR_MAX : logvar;
        return (float) Math.exp(0.5f * clamped);
    }
}
