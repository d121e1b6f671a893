package io.sdfleet.worker.scheduler;

import java.util.Optional;

/**
 * Euler's method on the probability-flow ODE (Karras et al. 2022, algorithm 2 without churn), diffusers'
 * {@code EulerDiscreteScheduler}: x_{i+1} = x_i + (x_i - x0_i) / sigma_i * (sigma_{i+1} - sigma_i).
 *
 * <p>Config read here: training schedule, {@code timestep_spacing} (default linspace), {@code steps_offset},
 * {@code prediction_type} (epsilon, v_prediction, sample), {@code use_karras_sigmas} with {@code sigma_min}/
 * {@code sigma_max}, {@code final_sigmas_type} (zero, sigma_min). Not supported (rejected):
 * {@code interpolation_type} other than linear, {@code timestep_type} other than discrete, and s_churn
 * (diffusers' step argument; always 0 here, so no noise is drawn).
 */
public final class EulerDiscreteScheduler extends TrajectoryScheduler {

    private final TimestepSpacing spacing;
    private final PredictionType prediction;
    private final float finalSigma;
    private SigmaTimesteps table;

    public EulerDiscreteScheduler(SchedulerConfig config) {
        super(config);
        this.spacing = config.spacingOr(TimestepSpacing.LINSPACE);
        this.prediction = PredictionType.parse(config.predictionType());
        if (!"linear".equals(config.interpolationType())) {
            throw new UnsupportedSchedulerConfigException("interpolation_type", config.interpolationType(),
                    "only linear is supported");
        }
        if (!"discrete".equals(config.timestepType())) {
            throw new UnsupportedSchedulerConfigException("timestep_type", config.timestepType(),
                    "only discrete is supported");
        }
        this.finalSigma = finalSigma(config, schedule);
    }

    /** The appended last sigma for {@code final_sigmas_type} (Euler, DPM-Solver and UniPC accept it). */
    static float finalSigma(SchedulerConfig config, TrainingNoiseSchedule schedule) {
        return switch (config.finalSigmasType()) {
            case "zero" -> 0.0f;
            case "sigma_min" -> schedule.sigma(0);
            default -> throw new UnsupportedSchedulerConfigException("final_sigmas_type", config.finalSigmasType(),
                    "expected zero or sigma_min");
        };
    }

    @Override
    public String name() {
        return "EulerDiscreteScheduler";
    }

    @Override
    protected double[] layOut(int n) {
        table = SigmaTimesteps.layOut(schedule, spacing, config, n, config.useKarrasSigmas(), config.sigmaMin(),
                config.sigmaMax(), finalSigma);
        return table.timesteps();
    }

    @Override
    public boolean integerTimesteps() {
        return false;
    }

    @Override
    public Optional<float[]> sigmas() {
        requireTimesteps();
        return Optional.of(table.sigmas().clone());
    }

    @Override
    public float initNoiseSigma() {
        requireTimesteps();
        return table.initNoiseSigma(spacing);
    }

    @Override
    public float[] scaleModelInput(float[] sample, int stepIndex) {
        requireIndex(stepIndex);
        return table.scale(sample, stepIndex);
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        float sigma = table.sigmas()[stepIndex];
        float dt = table.sigmas()[stepIndex + 1] - sigma;
        float[] prev = new float[sample.length];
        for (int i = 0; i < prev.length; i++) {
            float x = sample[i];
            float x0 = SigmaTimesteps.predictedOriginal(prediction, sigma, x, modelOutput[i]);
            float derivative = (x - x0) / sigma;
            prev[i] = x + derivative * dt;
        }
        return prev;
    }
}
