package io.sdfleet.worker.scheduler;

/**
 * The signal and noise scales of one noise level: alpha_t = 1 / sqrt(sigma^2 + 1), sigma_t = sigma * alpha_t,
 * and lambda_t = log(alpha_t) - log(sigma_t) (float32, diffusers' {@code _sigma_to_alpha_sigma_t}). At
 * sigma = 0, lambda is +infinity, which the solvers' formulas turn into exp(-h) = 0 as diffusers does.
 */
record AlphaSigma(float alpha, float sigma, float lambda) {

    static AlphaSigma of(float noiseLevel) {
        float alpha = 1.0f / (float) Math.sqrt(noiseLevel * noiseLevel + 1.0f);
        float sigma = noiseLevel * alpha;
        float lambda = (float) Math.log(alpha) - (float) Math.log(sigma);
        return new AlphaSigma(alpha, sigma, lambda);
    }

    /** The data prediction x0 from the model output for the given prediction type (float32). */
    float[] dataPrediction(PredictionType type, float[] sample, float[] modelOutput) {
        float[] x0 = new float[sample.length];
        switch (type) {
            case EPSILON -> {
                for (int i = 0; i < x0.length; i++) {
                    x0[i] = (sample[i] - sigma * modelOutput[i]) / alpha;
                }
            }
            case V_PREDICTION -> {
                for (int i = 0; i < x0.length; i++) {
                    x0[i] = alpha * sample[i] - sigma * modelOutput[i];
                }
            }
            case SAMPLE -> System.arraycopy(modelOutput, 0, x0, 0, x0.length);
            default -> throw new AssertionError(type);
        }
        return x0;
    }
}
