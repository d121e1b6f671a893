package io.sdfleet.worker.scheduler;

import java.util.Optional;

/**
 * What the multistep solvers (DPM-Solver++, UniPC) share and diffusers repeats in each of their classes: the
 * {@code timestep_spacing} (default linspace), {@code prediction_type} and {@code solver_order} (1 or 2)
 * settings, the final sigma, and the per-trajectory sigma table of {@link MultistepSigmas} that their
 * {@link AlphaSigma} scales are read from. A subclass chooses how the table is laid out and does its own step.
 *
 * <p>Invariant: the sigma table belongs to the current trajectory; it is replaced by every
 * {@link #setTimesteps} and read only after it (one thread, as every {@link Scheduler}).
 */
abstract class MultistepScheduler extends TrajectoryScheduler {

    /** The solvers here combine at most two model outputs; diffusers' third-order updates are not ported. */
    static final int MAX_ORDER = 2;

    protected final TimestepSpacing spacing;
    protected final PredictionType prediction;
    /** The sigma appended after the last step's ({@code final_sigmas_type}). */
    protected final float finalSigma;
    private float[] sigmas;

    protected MultistepScheduler(SchedulerConfig config) {
        super(config);
        this.spacing = config.spacingOr(TimestepSpacing.LINSPACE);
        this.prediction = PredictionType.parse(config.predictionType());
        if (config.solverOrder() < 1 || config.solverOrder() > MAX_ORDER) {
            throw new UnsupportedSchedulerConfigException("solver_order", config.solverOrder(),
                    "only 1 and 2 are supported");
        }
        this.finalSigma = EulerDiscreteScheduler.finalSigma(config, schedule);
    }

    /** The timesteps and sigmas for n inference steps; also resets any state the subclass keeps between steps. */
    protected abstract MultistepSigmas sigmaLayout(int numInferenceSteps);

    @Override
    protected final double[] layOut(int numInferenceSteps) {
        MultistepSigmas layout = sigmaLayout(numInferenceSteps);
        sigmas = layout.sigmas();
        return layout.timesteps();
    }

    @Override
    public final Optional<float[]> sigmas() {
        requireTimesteps();
        return Optional.of(sigmas.clone());
    }

    /**
     * alpha_t x + sigma_t noise with the scales of the step's sigma (diffusers' add_noise of DPM-Solver and UniPC,
     * which look the sigma up by step index once a begin index is set).
     */
    @Override
    protected final float[] noised(float[] original, float[] noise, int stepIndex) {
        AlphaSigma scales = alphaSigma(stepIndex);
        float[] out = new float[original.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = scales.alpha() * original[i] + scales.sigma() * noise[i];
        }
        return out;
    }

    /** The signal and noise scales at entry {@code index} of the current sigma table (one past the last step too). */
    protected final AlphaSigma alphaSigma(int index) {
        return AlphaSigma.of(sigmas[index]);
    }
}
