package io.sdfleet.worker.scheduler;

import java.util.Optional;

/**
 * What the k-diffusion style schedulers (Euler, Euler ancestral, LMS) share and diffusers repeats in each of
 * their classes: float timesteps and a sigma table laid out by {@link SigmaTimesteps}, {@code init_noise_sigma}
 * from that table, the input scaling x / sqrt(sigma^2 + 1), and the derivative (x - x0) / sigma of the
 * probability-flow ODE. A subclass chooses how the table is laid out (Karras sigmas, the last sigma) and does
 * its own step.
 *
 * <p>Config read here: {@code timestep_spacing} (default linspace) and {@code prediction_type} (epsilon,
 * v_prediction, sample; a subclass may narrow it).
 *
 * <p>Invariant: the sigma table belongs to the current trajectory; it is replaced by every
 * {@link #setTimesteps} and read only after it (one thread, as every {@link Scheduler}).
 */
abstract class SigmaScheduler extends TrajectoryScheduler {

    protected final TimestepSpacing spacing;
    protected final PredictionType prediction;
    private SigmaTimesteps table;

    protected SigmaScheduler(SchedulerConfig config) {
        super(config);
        this.spacing = config.spacingOr(TimestepSpacing.LINSPACE);
        this.prediction = PredictionType.parse(config.predictionType());
    }

    /** The timesteps and sigmas for n inference steps; also resets any state the subclass keeps between steps. */
    protected abstract SigmaTimesteps sigmaLayout(int numInferenceSteps);

    @Override
    protected final double[] layOut(int numInferenceSteps) {
        table = sigmaLayout(numInferenceSteps);
        return table.timesteps();
    }

    @Override
    public final boolean integerTimesteps() {
        return false;
    }

    @Override
    public final Optional<float[]> sigmas() {
        requireTimesteps();
        return Optional.of(table.sigmas().clone());
    }

    @Override
    public final float initNoiseSigma() {
        requireTimesteps();
        return table.initNoiseSigma(spacing);
    }

    @Override
    public final float[] scaleModelInput(float[] sample, int stepIndex) {
        requireIndex(stepIndex);
        return table.scale(sample, stepIndex);
    }

    /**
     * x + noise * sigma at the step's sigma (diffusers' add_noise of these schedulers: with a begin index set, the
     * sigma is looked up by step index, never by timestep value).
     */
    @Override
    protected final float[] noised(float[] original, float[] noise, int stepIndex) {
        float sigma = table.sigmas()[stepIndex];
        float[] out = new float[original.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = original[i] + noise[i] * sigma;
        }
        return out;
    }

    /** The current sigma table, one per step plus the final one; shared, not copied: read it, never write it. */
    protected final float[] sigmaTable() {
        return table.sigmas();
    }

    /** (x - x0) / sigma with x0 predicted from the model output by the prediction type (float32). */
    protected final float derivative(float sigma, float x, float modelOutput) {
        float x0 = SigmaTimesteps.predictedOriginal(prediction, sigma, x, modelOutput);
        return (x - x0) / sigma;
    }

    /** One Euler step of the ODE from {@code sigma} to {@code sigmaNext}: x + (x - x0) / sigma * (next - sigma). */
    protected final float[] eulerStep(float[] modelOutput, float[] sample, float sigma, float sigmaNext) {
        float dt = sigmaNext - sigma;
        float[] prev = new float[sample.length];
        for (int i = 0; i < prev.length; i++) {
            float x = sample[i];
            prev[i] = x + derivative(sigma, x, modelOutput[i]) * dt;
        }
        return prev;
    }
}
