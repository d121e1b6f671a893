package io.sdfleet.worker.scheduler;

import java.util.Optional;

/**
 * The float timesteps and noise levels of the k-diffusion style schedulers (Euler, Euler ancestral, LMS), laid
 * out as their diffusers {@code set_timesteps} does: timesteps by {@link TimestepSpacing} as float32, sigmas
 * interpolated (float64 {@code np.interp}) from the training sigmas at those timesteps or, with Karras sigmas,
 * spaced by Karras' formula with timesteps mapped back, then a final sigma appended and all stored as float32.
 *
 * <p>Also holds the sigma-based input scaling shared by these schedulers. Immutable.
 *
 * @param timesteps float32 values held as doubles, one per step, descending
 * @param sigmas float32 noise levels, one per step plus the final one
 */
record SigmaTimesteps(double[] timesteps, float[] sigmas) {

    /**
     * @param karras use Karras sigmas between the interpolated ends (or {@code sigmaMin}/{@code sigmaMax})
     * @param finalSigma the appended last sigma (0, or the smallest training sigma)
     */
    static SigmaTimesteps layOut(TrainingNoiseSchedule schedule, TimestepSpacing spacing, SchedulerConfig config,
            int n, boolean karras, Optional<Double> sigmaMin, Optional<Double> sigmaMax, float finalSigma) {
        double[] raw = spacing.singleStep(config.numTrainTimesteps(), n, config.stepsOffset(), false);
        double[] timesteps = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            timesteps[i] = (float) raw[i];
        }
        float[] trainingSigmas = schedule.sigmas();
        double[] sigmas = new double[timesteps.length];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = NumpyCompat.interp(timesteps[i], trainingSigmas);
        }
        if (karras) {
            double min = sigmaMin.orElse(sigmas[sigmas.length - 1]);
            double max = sigmaMax.orElse(sigmas[0]);
            sigmas = KarrasSigmas.between(min, max, n);
            float[] logSigmas = KarrasSigmas.logOf(trainingSigmas);
            for (int i = 0; i < sigmas.length; i++) {
                timesteps[i] = (float) KarrasSigmas.timestepOf(sigmas[i], logSigmas);
            }
        }
        float[] out = new float[sigmas.length + 1];
        for (int i = 0; i < sigmas.length; i++) {
            out[i] = (float) sigmas[i];
        }
        out[sigmas.length] = finalSigma;
        return new SigmaTimesteps(timesteps, out);
    }

    /**
     * diffusers' {@code init_noise_sigma}: the largest sigma for linspace and trailing spacing,
     * sqrt(max^2 + 1) for leading spacing (float32).
     */
    float initNoiseSigma(TimestepSpacing spacing) {
        float max = 0;
        for (float s : sigmas) {
            max = Math.max(max, s);
        }
        return spacing == TimestepSpacing.LEADING ? (float) Math.sqrt(max * max + 1.0f) : max;
    }

    /** x / sqrt(sigma^2 + 1) at step {@code stepIndex} (float32), the input scaling of these schedulers. */
    float[] scale(float[] sample, int stepIndex) {
        float sigma = sigmas[stepIndex];
        float divisor = (float) Math.sqrt(sigma * sigma + 1.0f);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] / divisor;
        }
        return out;
    }

    /**
     * The predicted x0 for these schedulers' prediction types (epsilon, v_prediction, sample), float32.
     */
    static float predictedOriginal(PredictionType type, float sigma, float x, float modelOutput) {
        return switch (type) {
            case EPSILON -> x - sigma * modelOutput;
            case V_PREDICTION -> modelOutput * (-sigma / (float) Math.sqrt(sigma * sigma + 1.0f))
                    + (x / (sigma * sigma + 1.0f));
            case SAMPLE -> modelOutput;
        };
    }
}
