package io.sdfleet.worker.scheduler;

/**
 * UniPC (Zhao et al. 2023), diffusers' {@code UniPCMultistepScheduler} in its default form: data prediction
 * ({@code predict_x0=true}), B(h) = e^h - 1 ({@code solver_type="bh2"}; bh1 = h also supported), order 2.
 *
 * <p>Each step first corrects the sample the previous step predicted (UniC, using the model output just
 * computed at that sample, so it costs no extra model call), then predicts the next sample (UniP). The
 * corrector of order 2 solves a 2x2 linear system for its weights; order-1 steps use the fixed weight 0.5.
 * State kept between steps: the last two x0 predictions, the (corrected) sample the predictor started from,
 * and the order used.
 *
 * <p>Config read here: training schedule, {@code timestep_spacing} (default linspace), {@code steps_offset},
 * {@code prediction_type} (epsilon, v_prediction, sample), {@code solver_order} (1 or 2), {@code solver_type},
 * {@code lower_order_final}, {@code disable_corrector}, {@code use_karras_sigmas}, {@code final_sigmas_type}.
 * Rejected: {@code predict_x0=false}, {@code solver_p}, orders above 2.
 */
public final class UniPcMultistepScheduler extends MultistepScheduler {

    private final boolean bh2;
    private final int solverOrder;
    /** x0 predictions of the last two steps: [0] older, [1] newer (null until filled). */
    private final float[][] x0History = new float[MAX_ORDER][];
    /** The sample the last predictor step started from (diffusers' {@code last_sample}). */
    private float[] lastSample;
    private int thisOrder;
    private int lowerOrderNums;

    public UniPcMultistepScheduler(SchedulerConfig config) {
        super(config);
        this.solverOrder = config.solverOrder();
        String solverType = config.solverType().orElse("bh2");
        switch (solverType) {
            case "bh2" -> this.bh2 = true;
            case "bh1" -> this.bh2 = false;
            default -> throw new UnsupportedSchedulerConfigException("solver_type", solverType,
                    "expected bh1 or bh2");
        }
        if (!config.predictX0()) {
            throw new UnsupportedSchedulerConfigException("predict_x0", false, "only true is supported");
        }
        if (config.solverP()) {
            throw new UnsupportedSchedulerConfigException("solver_p", "<scheduler>", "only null is supported");
        }
    }

    @Override
    public String name() {
        return "UniPCMultistepScheduler";
    }

    @Override
    protected MultistepSigmas sigmaLayout(int n) {
        x0History[0] = null;
        x0History[1] = null;
        lastSample = null;
        thisOrder = 0;
        lowerOrderNums = 0;
        return MultistepSigmas.layOut(schedule, spacing, config, n, config.numTrainTimesteps(), finalSigma,
                "sigma_min".equals(config.finalSigmasType()));
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        boolean useCorrector = stepIndex > 0 && !correctorDisabledAfter(stepIndex - 1) && lastSample != null;
        float[] x0 = alphaSigma(stepIndex).dataPrediction(prediction, sample, modelOutput);
        float[] x = useCorrector ? correct(x0, stepIndex, sample) : sample;

        x0History[0] = x0History[1];
        x0History[1] = x0;
        int order = config.lowerOrderFinal() ? Math.min(solverOrder, timesteps.length - stepIndex) : solverOrder;
        thisOrder = Math.min(order, lowerOrderNums + 1);
        lastSample = x;
        float[] prev = predict(x, stepIndex, thisOrder);
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        return prev;
    }

    private boolean correctorDisabledAfter(int index) {
        for (int disabled : config.disableCorrector()) {
            if (disabled == index) {
                return true;
            }
        }
        return false;
    }

    /** UniP-bh: the predictor from sigmas[i] to sigmas[i + 1]. */
    private float[] predict(float[] x, int stepIndex, int order) {
        AlphaSigma t = alphaSigma(stepIndex + 1);
        AlphaSigma s0 = alphaSigma(stepIndex);
        float h = t.lambda() - s0.lambda();
        float[] m0 = x0History[1];
        float hh = -h;
        float hPhi1 = (float) Math.expm1(hh);
        float bH = bh2 ? (float) Math.expm1(hh) : hh;
        float sampleCoeff = t.sigma() / s0.sigma();
        float m0Coeff = t.alpha() * hPhi1;
        float resCoeff = t.alpha() * bH;
        float[] out = new float[x.length];
        if (order == 1) {
            for (int i = 0; i < out.length; i++) {
                out[i] = sampleCoeff * x[i] - m0Coeff * m0[i];
            }
            return out;
        }
        float[] m1 = x0History[0];
        float rk = (alphaSigma(stepIndex - 1).lambda() - s0.lambda()) / h;
        float rho = 0.5f; // diffusers' fixed weight for the order-2 predictor
        for (int i = 0; i < out.length; i++) {
            float d1 = (m1[i] - m0[i]) / rk;
            float predRes = rho * d1;
            out[i] = (sampleCoeff * x[i] - m0Coeff * m0[i]) - resCoeff * predRes;
        }
        return out;
    }

    /**
     * UniC-bh: corrects {@code thisSample} (predicted from sigmas[i - 1] to sigmas[i]) with the new x0 at it.
     * Uses {@link #thisOrder} of the previous step.
     */
    private float[] correct(float[] modelT, int stepIndex, float[] thisSample) {
        int order = thisOrder;
        AlphaSigma t = alphaSigma(stepIndex);
        AlphaSigma s0 = alphaSigma(stepIndex - 1);
        float h = t.lambda() - s0.lambda();
        float[] m0 = x0History[1];
        float[] x = lastSample;
        float hh = -h;
        float hPhi1 = (float) Math.expm1(hh);
        float bH = bh2 ? (float) Math.expm1(hh) : hh;

        float rk = 0;
        float[] rhos;
        if (order == 1) {
            rhos = new float[] {0.5f};
        } else {
            rk = (alphaSigma(stepIndex - 2).lambda() - s0.lambda()) / h;
            float hPhiK = hPhi1 / hh - 1.0f;
            float[] b = new float[order];
            int factorial = 1;
            for (int j = 1; j <= order; j++) {
                b[j - 1] = hPhiK * factorial / bH;
                factorial *= j + 1;
                hPhiK = hPhiK / hh - (float) (1.0 / factorial);
            }
            // R = [rks^0; rks^1] with rks = [rk, 1]
            rhos = solve2x2(1.0f, 1.0f, rk, 1.0f, b[0], b[1]);
        }
        float sampleCoeff = t.sigma() / s0.sigma();
        float m0Coeff = t.alpha() * hPhi1;
        float resCoeff = t.alpha() * bH;
        float rhoLast = rhos[rhos.length - 1];
        float[] m1 = order == 2 ? x0History[0] : null;
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            float base = sampleCoeff * x[i] - m0Coeff * m0[i];
            float d1t = modelT[i] - m0[i];
            float corr = order == 2 ? rhos[0] * ((m1[i] - m0[i]) / rk) + rhoLast * d1t : rhoLast * d1t;
            out[i] = base - resCoeff * corr;
        }
        return out;
    }

    /**
     * Solves [[a00, a01], [a10, a11]] x = [b0, b1] in float32 by LU with partial pivoting, as LAPACK's
     * getrf/getrs (behind torch.linalg.solve) do for a 2x2 system.
     */
    static float[] solve2x2(float a00, float a01, float a10, float a11, float b0, float b1) {
        if (Math.abs(a10) > Math.abs(a00)) {
            float[] swapped = solve2x2(a10, a11, a00, a01, b1, b0);
            return swapped;
        }
        float l = a10 * (1.0f / a00);
        float u11 = a11 - l * a01;
        float y1 = b1 - l * b0;
        float x1 = y1 / u11;
        float x0 = (b0 - a01 * x1) / a00;
        return new float[] {x0, x1};
    }
}
