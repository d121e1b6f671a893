package io.sdfleet.worker.scheduler;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * PNDM in its PLMS form (Liu et al. 2022, pseudo linear multistep), diffusers' {@code PNDMScheduler} with
 * {@code skip_prk_steps=true}, Stable Diffusion 1.x's default scheduler.
 *
 * <p>For n &gt; 1 inference steps it runs n + 1 steps: the second timestep appears twice (e.g. 901, 801, 801, 701,
 * ...). Step 0 stores the sample and takes an Euler-like step; step 1 repeats the first interval with the mean
 * of the two model outputs (a second-order start); then up to four earlier outputs form the Adams-Bashforth
 * combination. Only {@code skip_prk_steps=true} is supported (the Runge-Kutta warm-up is not implemented).
 *
 * <p>Started later ({@link #beginAt}, img2img), the same warm-up happens at the begin index: diffusers' PNDM has
 * no {@code set_begin_index}, its pipeline just passes the later timesteps, and its step counter starts at 0
 * there. So the second img2img step re-runs the first interval (from the begin timestep to the next one) and
 * every later model call sees a sample one interval behind its timestep; diffusers does exactly this.
 *
 * <p>Config read here: training schedule, {@code timestep_spacing} (default leading), {@code steps_offset},
 * {@code prediction_type} (epsilon, v_prediction), {@code set_alpha_to_one} (default false),
 * {@code skip_prk_steps}. Numerics: float32 in diffusers' order.
 */
public final class PndmScheduler extends TrajectoryScheduler {

    private static final int MAX_HISTORY = 4;

    private final TimestepSpacing spacing;
    private final PredictionType prediction;
    private final boolean setAlphaToOne;
    private int numInferenceSteps;
    /** Model outputs of earlier steps, newest last (diffusers' {@code ets}). */
    private final Deque<float[]> history = new ArrayDeque<>();
    /** The sample of step 0, reused by step 1. */
    private float[] firstSample;

    public PndmScheduler(SchedulerConfig config) {
        super(config);
        if (!config.skipPrkSteps()) {
            throw new UnsupportedSchedulerConfigException("skip_prk_steps", false,
                    "only the PLMS form (skip_prk_steps=true) is supported");
        }
        this.spacing = config.spacingOr(TimestepSpacing.LEADING);
        this.prediction = PredictionType.parse(config.predictionType())
                .requireOneOf(name(), PredictionType.EPSILON, PredictionType.V_PREDICTION);
        this.setAlphaToOne = config.setAlphaToOne().orElse(false);
    }

    @Override
    public String name() {
        return "PNDMScheduler";
    }

    @Override
    protected double[] layOut(int n) {
        numInferenceSteps = n;
        history.clear();
        firstSample = null;
        // descending t_0 > t_1 > ... > t_{n-1}; PLMS order: t_0, t_1, t_1, t_2, ..., t_{n-1}
        double[] t = spacing.singleStep(config.numTrainTimesteps(), n, config.stepsOffset(), true);
        if (n == 1) {
            return t; // diffusers' layout has no repeated timestep to take when n = 1
        }
        double[] plms = new double[n + 1];
        plms[0] = t[0];
        plms[1] = t[1];
        System.arraycopy(t, 1, plms, 2, n - 1);
        return plms;
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        int ratio = config.numTrainTimesteps() / numInferenceSteps;
        int timestep = (int) timesteps[stepIndex];
        int prevTimestep = timestep - ratio;
        // diffusers' counter: steps taken in THIS trajectory. img2img starts PNDM (which has no set_begin_index)
        // later in its timestep list with the counter at 0, so its second step repeats the interval from the
        // first one's timestep, wherever the trajectory began.
        int counter = stepIndex - beginIndex();
        if (counter != 1) {
            if (history.size() == MAX_HISTORY) {
                history.removeFirst();
            }
            history.addLast(modelOutput.clone());
        } else {
            prevTimestep = timestep;
            timestep = timestep + ratio;
        }

        float[] combined;
        float[] x = sample;
        if (history.size() == 1 && counter == 0) {
            combined = modelOutput;
            firstSample = sample.clone();
        } else if (history.size() == 1 && counter == 1) {
            float[] e1 = history.peekLast();
            combined = new float[modelOutput.length];
            for (int i = 0; i < combined.length; i++) {
                combined[i] = (modelOutput[i] + e1[i]) / 2;
            }
            x = firstSample;
            firstSample = null;
        } else {
            combined = adamsBashforth();
        }
        return previousSample(x, timestep, prevTimestep, combined);
    }

    /** The linear multistep combination of the stored outputs (orders 2, 3, 4). */
    private float[] adamsBashforth() {
        Iterator<float[]> newestFirst = history.descendingIterator();
        float[] e1 = newestFirst.next();
        float[] e2 = newestFirst.next();
        float[] out = new float[e1.length];
        switch (history.size()) {
            case 2 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (3 * e1[i] - e2[i]) / 2;
                }
            }
            case 3 -> {
                float[] e3 = newestFirst.next();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (23 * e1[i] - 16 * e2[i] + 5 * e3[i]) / 12;
                }
            }
            default -> {
                float[] e3 = newestFirst.next();
                float[] e4 = newestFirst.next();
                float oneOver24 = (float) (1.0 / 24);
                for (int i = 0; i < out.length; i++) {
                    out[i] = oneOver24 * (55 * e1[i] - 59 * e2[i] + 37 * e3[i] - 9 * e4[i]);
                }
            }
        }
        return out;
    }

    /** Formula (9) of the PNDM paper: x_{t-delta} from x_t and the noise estimate. */
    private float[] previousSample(float[] sample, int timestep, int prevTimestep, float[] modelOutput) {
        float alphaProdT = schedule.alphaCumprod(timestep);
        float alphaProdPrev = alphaCumprodOrFinal(prevTimestep, setAlphaToOne);
        float betaProdT = 1.0f - alphaProdT;
        float betaProdPrev = 1.0f - alphaProdPrev;
        float sampleCoeff = (float) Math.sqrt(alphaProdPrev / alphaProdT);
        float denom = alphaProdT * (float) Math.sqrt(betaProdPrev)
                + (float) Math.sqrt(alphaProdT * betaProdT * alphaProdPrev);
        float diff = alphaProdPrev - alphaProdT;
        float sqrtAlphaT = (float) Math.sqrt(alphaProdT);
        float sqrtBetaT = (float) Math.sqrt(betaProdT);
        float[] prev = new float[sample.length];
        for (int i = 0; i < prev.length; i++) {
            float eps = modelOutput[i];
            if (prediction == PredictionType.V_PREDICTION) {
                eps = sqrtAlphaT * eps + sqrtBetaT * sample[i];
            }
            prev[i] = sampleCoeff * sample[i] - diff * eps / denom;
        }
        return prev;
    }
}
