package io.sdfleet.worker.scheduler;

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
public final class EulerDiscreteScheduler extends SigmaScheduler {

    private final float finalSigma;

    public EulerDiscreteScheduler(SchedulerConfig config) {
        super(config);
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
    protected SigmaTimesteps sigmaLayout(int n) {
        return SigmaTimesteps.layOut(schedule, spacing, config, n, config.useKarrasSigmas(), config.sigmaMin(),
                config.sigmaMax(), finalSigma);
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        float[] sigmas = sigmaTable();
        return eulerStep(modelOutput, sample, sigmas[stepIndex], sigmas[stepIndex + 1]);
    }
}
