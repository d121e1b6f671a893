package io.sdfleet.worker.scheduler;

import java.util.Optional;

/**
 * What every scheduler here shares: the training schedule, the timesteps of the current trajectory, where it
 * begins, and the check that steps come in order. Subclasses lay out timesteps and do the math.
 *
 * <p>Invariant: {@code nextStep} is the index the next {@link #step} call must use; {@link #setTimesteps}
 * resets it and {@code beginIndex} to 0 together with all subclass state (via {@link #layOut});
 * {@link #beginAt} moves both to a later index before the first step (subclass state is still fresh then).
 */
abstract class TrajectoryScheduler implements Scheduler {

    protected final SchedulerConfig config;
    protected final TrainingNoiseSchedule schedule;
    protected double[] timesteps;
    private int nextStep = -1;
    private int beginIndex;

    protected TrajectoryScheduler(SchedulerConfig config) {
        this.config = config;
        config.rejectUnsupportedCommonOptions();
        this.schedule = TrainingNoiseSchedule.from(config);
    }

    @Override
    public final void setTimesteps(int numInferenceSteps) {
        if (numInferenceSteps < 1 || numInferenceSteps > config.numTrainTimesteps()) {
            throw new IllegalArgumentException("numInferenceSteps must be in 1.." + config.numTrainTimesteps()
                    + ", got " + numInferenceSteps);
        }
        double[] laidOut = layOut(numInferenceSteps);
        if (integerTimesteps()) {
            for (double t : laidOut) {
                // diffusers indexes alphas_cumprod with these (negative counts from the end, as in torch)
                if (t >= config.numTrainTimesteps() || t < -config.numTrainTimesteps()) {
                    throw new IllegalArgumentException(name() + ": numInferenceSteps=" + numInferenceSteps
                            + " with steps_offset=" + config.stepsOffset() + " gives timestep " + (long) t
                            + ", outside the training schedule 0.." + (config.numTrainTimesteps() - 1)
                            + " (diffusers fails here too); use fewer steps");
                }
            }
        }
        timesteps = laidOut;
        nextStep = 0;
        beginIndex = 0;
    }

    @Override
    public final void beginAt(int index) {
        requireIndex(index);
        if (nextStep != beginIndex) {
            throw new IllegalStateException(name() + ": beginAt(" + index + ") after step " + (nextStep - 1)
                    + " ran; a trajectory's begin index is set before its first step (call setTimesteps to restart)");
        }
        beginIndex = index;
        nextStep = index;
    }

    /** The index of this trajectory's first step: 0, or what {@link #beginAt} set. */
    protected final int beginIndex() {
        return beginIndex;
    }

    @Override
    public final float[] addNoise(float[] original, float[] noise, int stepIndex) {
        requireIndex(stepIndex);
        if (original.length != noise.length) {
            throw new IllegalArgumentException("original has " + original.length + " values, noise has "
                    + noise.length);
        }
        return noised(original, noise, stepIndex);
    }

    /**
     * {@link #addNoise} once its arguments are checked. This default is the variance-preserving forward process of
     * DDPM, DDIM and PNDM: sqrt(alpha_bar_t) x + sqrt(1 - alpha_bar_t) noise at t = timesteps[stepIndex], float32
     * in the order of diffusers' torch expression (the square roots of float32 values, two products, a sum).
     */
    protected float[] noised(float[] original, float[] noise, int stepIndex) {
        float alphaProd = schedule.alphaCumprod((int) timesteps[stepIndex]);
        float sqrtAlphaProd = (float) Math.sqrt(alphaProd);
        float sqrtOneMinusAlphaProd = (float) Math.sqrt(1.0f - alphaProd);
        float[] out = new float[original.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sqrtAlphaProd * original[i] + sqrtOneMinusAlphaProd * noise[i];
        }
        return out;
    }

    /** Computes the timesteps (and sigmas) for n inference steps and resets the multistep state. */
    protected abstract double[] layOut(int numInferenceSteps);

    @Override
    public final double[] timesteps() {
        requireTimesteps();
        return timesteps.clone();
    }

    /** Integer timesteps by default, as the variance-preserving schedulers (DDIM, PNDM, multistep) use. */
    @Override
    public boolean integerTimesteps() {
        return true;
    }

    /** 1 by default: the variance-preserving schedulers start from unit-variance noise. */
    @Override
    public float initNoiseSigma() {
        return 1.0f;
    }

    @Override
    public Optional<float[]> sigmas() {
        return Optional.empty();
    }

    @Override
    public float[] scaleModelInput(float[] sample, int stepIndex) {
        requireIndex(stepIndex);
        return sample;
    }

    @Override
    public final float[] step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        requireTimesteps();
        if (stepIndex != nextStep) {
            throw new IllegalStateException(name() + ": step " + stepIndex + " called, but step " + nextStep
                    + " is next (steps must run in order from the begin index, once each; call setTimesteps to"
                    + " restart)");
        }
        if (modelOutput.length != sample.length) {
            throw new IllegalArgumentException("modelOutput has " + modelOutput.length + " values, sample has "
                    + sample.length);
        }
        float[] prev = doStep(modelOutput, stepIndex, sample, noise);
        nextStep++;
        return prev;
    }

    /** The step itself; {@code stepIndex} is known to be valid and in order. */
    protected abstract float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise);

    protected final void requireTimesteps() {
        if (timesteps == null) {
            throw new IllegalStateException(name() + ": call setTimesteps before using the scheduler");
        }
    }

    protected final void requireIndex(int stepIndex) {
        requireTimesteps();
        if (stepIndex < 0 || stepIndex >= timesteps.length) {
            throw new IndexOutOfBoundsException(name() + ": step index " + stepIndex + " outside 0.."
                    + (timesteps.length - 1));
        }
    }

    /** Fills an array shaped like {@code like} from the noise source, failing clearly when there is none. */
    protected final float[] drawNoise(NoiseSource noise, float[] like) {
        if (noise == null) {
            throw new IllegalArgumentException(name() + " is stochastic here and needs a NoiseSource");
        }
        float[] out = new float[like.length];
        noise.fill(out);
        return out;
    }

    /** Converts double timesteps to float32 values (for Euler-type schedulers' float timesteps). */
    protected static double[] asFloat32(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** The alpha_bar of a previous timestep, or the final one (1 or alpha_bar_0) before the schedule's start. */
    protected final float alphaCumprodOrFinal(int t, boolean setAlphaToOne) {
        if (t >= 0) {
            return schedule.alphaCumprod(t);
        }
        return setAlphaToOne ? 1.0f : schedule.alphaCumprod(0);
    }
}
