package io.sdfleet.worker.scheduler;

/**
 * The training noise schedule every scheduler starts from: betas, and the cumulative products of
 * alpha = 1 - beta, as float32 values exactly as diffusers' torch tensors hold them.
 *
 * <p>Invariants: immutable; {@code alphasCumprod[t]} is float32(prod_{j &lt;= t} (double) alpha_j), because
 * torch's CPU cumprod accumulates float32 in double. Built once per scheduler instance (1000 values, cheap).
 */
final class TrainingNoiseSchedule {

    static final String BETA_SCHEDULE_KEY = "beta_schedule";

    /** diffusers' cap on the cosine schedule's betas, avoiding a singularity at t = 1. */
    private static final double MAX_BETA = 0.999;

    private final float[] alphasCumprod;

    private TrainingNoiseSchedule(float[] betas) {
        this.alphasCumprod = new float[betas.length];
        double product = 1.0;
        for (int i = 0; i < betas.length; i++) {
            float alpha = 1.0f - betas[i];
            product *= alpha;
            alphasCumprod[i] = (float) product;
        }
    }

    /** Builds the schedule named by {@code trained_betas} / {@code beta_schedule}. */
    static TrainingNoiseSchedule from(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        if (config.trainedBetas().isPresent()) {
            double[] trained = config.trainedBetas().get();
            float[] betas = new float[trained.length];
            for (int i = 0; i < betas.length; i++) {
                betas[i] = (float) trained[i];
            }
            if (betas.length != n) {
                throw new UnsupportedSchedulerConfigException("trained_betas", "[" + betas.length + " values]",
                        "its length must equal num_train_timesteps=" + n);
            }
            return new TrainingNoiseSchedule(betas);
        }
        String schedule = config.betaSchedule();
        switch (schedule) {
            case "linear":
                return new TrainingNoiseSchedule(TorchLinspace.float32(config.betaStart(), config.betaEnd(), n));
            case "scaled_linear": {
                float[] roots = TorchLinspace.float32(Math.pow(config.betaStart(), 0.5),
                        Math.pow(config.betaEnd(), 0.5), n);
                float[] betas = new float[n];
                for (int i = 0; i < n; i++) {
                    betas[i] = roots[i] * roots[i];
                }
                return new TrainingNoiseSchedule(betas);
            }
            case "squaredcos_cap_v2":
                return new TrainingNoiseSchedule(cosineBetas(n));
            default:
                throw new UnsupportedSchedulerConfigException(BETA_SCHEDULE_KEY, schedule,
                        "expected one of linear, scaled_linear, squaredcos_cap_v2 (or trained_betas)");
        }
    }

    /** Glide's cosine schedule (diffusers' betas_for_alpha_bar), computed in double, stored as float32. */
    private static float[] cosineBetas(int n) {
        float[] betas = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = i / (double) n;
            double t2 = (i + 1) / (double) n;
            betas[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), MAX_BETA);
        }
        return betas;
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    int size() {
        return alphasCumprod.length;
    }

    /**
     * alpha_bar at training timestep {@code t} (float32). A negative t counts from the end, as torch indexing
     * does: diffusers' trailing layout yields t = -1 for a few step counts (e.g. 61 of 1000, where numpy's
     * arange returns one element too many), and diffusers then reads the last entry.
     */
    float alphaCumprod(int t) {
        return t < 0 ? alphasCumprod[alphasCumprod.length + t] : alphasCumprod[t];
    }

    /**
     * The noise-to-signal ratios sqrt((1 - alpha_bar) / alpha_bar) for every training timestep, ascending in t,
     * in float32 as {@code ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5} gives them.
     */
    float[] sigmas() {
        float[] sigmas = new float[alphasCumprod.length];
        for (int t = 0; t < sigmas.length; t++) {
            sigmas[t] = sigma(t);
        }
        return sigmas;
    }

    /** sqrt((1 - alpha_bar_t) / alpha_bar_t) in float32. */
    float sigma(int t) {
        float a = alphasCumprod[t];
        return (float) Math.sqrt((1.0f - a) / a);
    }
}
