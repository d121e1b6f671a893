package io.sdfleet.worker.scheduler;

/**
 * DDIM (Song et al. 2020), diffusers' {@code DDIMScheduler}: the deterministic (eta = 0) or partly stochastic
 * (eta &gt; 0) non-Markovian sampler, formulas (12) and (16) of the paper.
 *
 * <p>Config read here: the training schedule, {@code timestep_spacing} (default leading),
 * {@code steps_offset}, {@code prediction_type} (epsilon, sample, v_prediction), {@code set_alpha_to_one}
 * (default true), {@code clip_sample} (default true) with {@code clip_sample_range}, and {@code eta}
 * (diffusers' step argument; default 0). With eta &gt; 0 each step draws one noise array.
 *
 * <p>Numerics: float32 throughout, in the order of diffusers' torch expressions.
 */
public final class DdimScheduler extends TrajectoryScheduler {

    private final TimestepSpacing spacing;
    private final PredictionType prediction;
    private final boolean setAlphaToOne;
    private final boolean clipSample;
    private final float clipRange;
    private final float eta;
    private int numInferenceSteps;

    public DdimScheduler(SchedulerConfig config) {
        super(config);
        this.spacing = config.spacingOr(TimestepSpacing.LEADING);
        this.prediction = PredictionType.parse(config.predictionType());
        this.setAlphaToOne = config.setAlphaToOne().orElse(true);
        this.clipSample = config.clipSample().orElse(true);
        this.clipRange = (float) config.clipSampleRange();
        if (!(config.eta() >= 0) || Double.isInfinite(config.eta())) {
            throw new UnsupportedSchedulerConfigException("eta", config.eta(), "must be a finite number >= 0");
        }
        this.eta = (float) config.eta();
    }

    @Override
    public String name() {
        return "DDIMScheduler";
    }

    @Override
    protected double[] layOut(int n) {
        numInferenceSteps = n;
        return spacing.singleStep(config.numTrainTimesteps(), n, config.stepsOffset(), true);
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        int t = (int) timesteps[stepIndex];
        int prevT = t - config.numTrainTimesteps() / numInferenceSteps;
        float alphaProdT = schedule.alphaCumprod(t);
        float alphaProdPrev = alphaCumprodOrFinal(prevT, setAlphaToOne);
        float betaProdT = 1.0f - alphaProdT;
        float sqrtAlphaT = (float) Math.sqrt(alphaProdT);
        float sqrtBetaT = (float) Math.sqrt(betaProdT);

        float betaProdPrev = 1.0f - alphaProdPrev;
        float variance = (betaProdPrev / betaProdT) * (1.0f - alphaProdT / alphaProdPrev);
        float stdDev = eta * (float) Math.sqrt(variance);
        float directionCoeff = (float) Math.sqrt(1.0f - alphaProdPrev - stdDev * stdDev);
        float sqrtAlphaPrev = (float) Math.sqrt(alphaProdPrev);

        float[] variationNoise = eta > 0 ? drawNoise(noise, sample) : null;
        float[] prev = new float[sample.length];
        for (int i = 0; i < prev.length; i++) {
            float x = sample[i];
            float m = modelOutput[i];
            float x0;
            float eps;
            switch (prediction) {
                case EPSILON -> {
                    x0 = (x - sqrtBetaT * m) / sqrtAlphaT;
                    eps = m;
                }
                case SAMPLE -> {
                    x0 = m;
                    eps = (x - sqrtAlphaT * x0) / sqrtBetaT;
                }
                case V_PREDICTION -> {
                    x0 = sqrtAlphaT * x - sqrtBetaT * m;
                    eps = sqrtAlphaT * m + sqrtBetaT * x;
                }
                default -> throw new AssertionError(prediction);
            }
            if (clipSample) {
                x0 = Math.min(Math.max(x0, -clipRange), clipRange);
            }
            float p = sqrtAlphaPrev * x0 + directionCoeff * eps;
            if (variationNoise != null) {
                p = p + stdDev * variationNoise[i];
            }
            prev[i] = p;
        }
        return prev;
    }
}
