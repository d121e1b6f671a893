package io.sdfleet.worker.runtime;

import java.util.Objects;

/**
 * The VAE encoder of img2img and inpainting: images in [-1, 1] to the latent distribution's parameters (or, for
 * the older export, to latents already sampled inside the graph).
 *
 * <p>Two ONNX layouts exist ({@link OutputKind}): optimum 1.23 and later export {@code latent_parameters}, the
 * encoder's {@code latent_dist.parameters} (C means then C log-variances, {@code [batch, 8, h, w]} for SD), which
 * the worker samples itself with each image's torch-compatible generator (io.sdfleet.worker.rng.DiagonalGaussian)
 * exactly as diffusers does. diffusers' own convert_stable_diffusion_checkpoint_to_onnx.py and optimum up to
 * 1.22 export {@code latent_sample}: {@code latent_dist.sample()} traced into the graph, whose random normal
 * node has no seed, so ONNX Runtime draws different noise on every call: its results are NOT reproducible
 * (neither across calls nor against diffusers), and no generator draw happens for it in the worker.
 *
 * <p>Threads: one caller at a time. Failure: {@link InferenceException} when the runtime fails.
 */
public interface VaeEncoderRuntime extends AutoCloseable {
    /** Image pixels per latent pixel along each axis. */
    int SCALE = 8;

    /** What the model's output holds. */
    enum OutputKind {
        /** {@code latent_parameters}: mean and log-variance, to be sampled with the job's generator (reproducible). */
        LATENT_PARAMETERS,
        /** {@code latent_sample}: sampled in the graph with an unseeded generator (not reproducible). */
        LATENT_SAMPLE
    }

    /** The layout of this model's output. */
    OutputKind outputKind();

    /**
     * @param images row-major {@code [batch, 3, height, width]} in [-1, 1] (DiffusersImageProcessor's init image)
     * @param height image height in pixels, a multiple of 8
     * @param width image width in pixels, a multiple of 8
     */
    Encoded encode(float[] images, int batch, int height, int width);

    /** Which runtime and device this is, e.g. {@code onnxruntime-1.21.1/cpu}. */
    String identity();

    @Override
    void close();

    /**
     * One call's output.
     *
     * @param kind what {@code values} holds
     * @param values row-major {@code [batch, channels(), latentHeight, latentWidth]}
     */
    record Encoded(OutputKind kind, float[] values, int batch, int latentHeight, int latentWidth) {

        public Encoded {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(values, "values");
            if ((long) batch * channels(kind) * latentHeight * latentWidth != values.length) {
                throw new IllegalArgumentException(values.length + " values do not fill [" + batch + ", "
                        + channels(kind) + ", " + latentHeight + ", " + latentWidth + "]");
            }
        }

        /** 8 (mean and log-variance of the 4 latent channels) or 4 (sampled latents). */
        public int channels() {
            return channels(kind);
        }

        /** Where image {@code i}'s values start in {@link #values()}. */
        public int offsetOf(int image) {
            return image * channels() * latentHeight * latentWidth;
        }

        private static int channels(OutputKind kind) {
            return kind == OutputKind.LATENT_PARAMETERS ? 2 * UNetRuntime.LATENT_CHANNELS : UNetRuntime.LATENT_CHANNELS;
        }
    }
}
