package io.sdfleet.worker.scheduler;

/**
 * DPM-Solver++ multistep (Lu et al. 2022), diffusers' {@code DPMSolverMultistepScheduler} with
 * {@code algorithm_type="dpmsolver++"}: "DPM++ 2M" with {@code solver_order=2}, "DPM++ 2M Karras" with
 * {@code use_karras_sigmas=true}.
 *
 * <p>The model output is converted to a data prediction x0; the first step (and, by
 * {@code lower_order_final}/{@code euler_at_final}/{@code final_sigmas_type=zero}, the last) is first order,
 * the others combine the current and previous x0 (midpoint or heun {@code solver_type}) in log-SNR time
 * lambda = log(alpha_t / sigma_t).
 *
 * <p>Config read here: training schedule, {@code timestep_spacing} (default linspace), {@code steps_offset},
 * {@code prediction_type} (epsilon, v_prediction, sample), {@code solver_order} (1 or 2),
 * {@code algorithm_type} (dpmsolver++ only), {@code solver_type} (midpoint, heun), {@code lower_order_final},
 * {@code euler_at_final}, {@code use_karras_sigmas}, {@code final_sigmas_type}, {@code lambda_min_clipped}.
 * Rejected: SDE variants, order 3, {@code variance_type}, Lu lambdas.
 */
public final class DpmSolverMultistepScheduler extends MultistepScheduler {

    /** diffusers uses lower-order steps near the end only for short trajectories (fewer than 15 steps). */
    private static final int LOWER_ORDER_FINAL_MAX_STEPS = 15;

    private final boolean heun;
    /** x0 predictions: [0] the previous step's, [1] the current step's. */
    private float[] previousX0;
    private int lowerOrderNums;

    public DpmSolverMultistepScheduler(SchedulerConfig config) {
        super(config);
        if (!"dpmsolver++".equals(config.algorithmType())) {
            throw new UnsupportedSchedulerConfigException("algorithm_type", config.algorithmType(),
                    "only dpmsolver++ is supported");
        }
        String solverType = config.solverType().orElse("midpoint");
        switch (solverType) {
            case "midpoint" -> this.heun = false;
            case "heun" -> this.heun = true;
            default -> throw new UnsupportedSchedulerConfigException("solver_type", solverType,
                    "expected midpoint or heun");
        }
        config.varianceType().ifPresent(v -> {
            throw new UnsupportedSchedulerConfigException("variance_type", v, "only null is supported");
        });
        SchedulerConfig.rejectIfTrue("use_lu_lambdas", config.useLuLambdas());
    }

    @Override
    public String name() {
        return "DPMSolverMultistepScheduler";
    }

    @Override
    protected MultistepSigmas sigmaLayout(int n) {
        previousX0 = null;
        lowerOrderNums = 0;
        return MultistepSigmas.layOut(schedule, spacing, config, n, lastTimestep(), finalSigma);
    }

    /** N minus the number of training timesteps whose lambda is below {@code lambda_min_clipped}. */
    private int lastTimestep() {
        double clip = config.lambdaMinClipped();
        int n = schedule.size();
        int clipped = 0; // searchsorted(flip(lambda_t), clip): lambdas ascending when t descends
        for (int t = n - 1; t >= 0; t--) {
            if (lambda(schedule.alphaCumprod(t)) < clip) {
                clipped++;
            } else {
                break;
            }
        }
        return n - clipped;
    }

    /** lambda_t = log(sqrt(alpha_bar)) - log(sqrt(1 - alpha_bar)) in float32, as diffusers' init computes it. */
    private static float lambda(float alphaBar) {
        float alpha = (float) Math.sqrt(alphaBar);
        float sigma = (float) Math.sqrt(1.0f - alphaBar);
        return (float) Math.log(alpha) - (float) Math.log(sigma);
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        int steps = timesteps.length;
        boolean shortRun = config.lowerOrderFinal() && steps < LOWER_ORDER_FINAL_MAX_STEPS;
        boolean lowerOrderFinal = stepIndex == steps - 1
                && (config.eulerAtFinal() || shortRun || "zero".equals(config.finalSigmasType()));

        AlphaSigma s0 = alphaSigma(stepIndex);
        float[] x0 = s0.dataPrediction(prediction, sample, modelOutput);
        float[] older = previousX0;
        previousX0 = x0;

        float[] prev;
        if (config.solverOrder() == 1 || lowerOrderNums < 1 || lowerOrderFinal) {
            prev = firstOrder(x0, stepIndex, sample);
        } else {
            prev = secondOrder(x0, older, stepIndex, sample);
        }
        if (lowerOrderNums < config.solverOrder()) {
            lowerOrderNums++;
        }
        return prev;
    }

    /** DPM-Solver++ 1 (the same as DDIM in x0 form). */
    private float[] firstOrder(float[] x0, int stepIndex, float[] sample) {
        AlphaSigma t = alphaSigma(stepIndex + 1);
        AlphaSigma s = alphaSigma(stepIndex);
        float h = t.lambda() - s.lambda();
        float sampleCoeff = t.sigma() / s.sigma();
        float x0Coeff = t.alpha() * ((float) Math.exp(-h) - 1.0f);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sampleCoeff * sample[i] - x0Coeff * x0[i];
        }
        return out;
    }

    /** DPM-Solver++ 2M: the current x0 plus a finite-difference correction from the previous one. */
    private float[] secondOrder(float[] m0, float[] m1, int stepIndex, float[] sample) {
        AlphaSigma t = alphaSigma(stepIndex + 1);
        AlphaSigma s0 = alphaSigma(stepIndex);
        AlphaSigma s1 = alphaSigma(stepIndex - 1);
        float h = t.lambda() - s0.lambda();
        float h0 = s0.lambda() - s1.lambda();
        float r0 = h0 / h;
        float inverseR0 = 1.0f / r0;
        float sampleCoeff = t.sigma() / s0.sigma();
        float expm = (float) Math.exp(-h) - 1.0f;
        float d0Coeff = t.alpha() * expm;
        float d1Coeff = heun ? t.alpha() * (expm / h + 1.0f) : 0.5f * (t.alpha() * expm);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            float d1 = inverseR0 * (m0[i] - m1[i]);
            float a = sampleCoeff * sample[i] - d0Coeff * m0[i];
            out[i] = heun ? a + d1Coeff * d1 : a - d1Coeff * d1;
        }
        return out;
    }
}
