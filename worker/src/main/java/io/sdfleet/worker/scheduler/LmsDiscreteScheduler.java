package io.sdfleet.worker.scheduler;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * Linear multistep (k-diffusion's {@code sample_lms}), diffusers' {@code LMSDiscreteScheduler}: the derivative
 * (x - x0) / sigma of up to {@code order} recent steps, weighted by integrals of Lagrange polynomials over the
 * sigma grid ({@link LmsCoefficients}).
 *
 * <p>Config read here: training schedule, {@code timestep_spacing} (default linspace), {@code steps_offset},
 * {@code prediction_type} (epsilon, v_prediction, sample), {@code use_karras_sigmas}, and {@code order}
 * (diffusers' step argument, 1..4; default 4). The last sigma is always 0 (the class has no
 * {@code final_sigmas_type}).
 */
public final class LmsDiscreteScheduler extends SigmaScheduler {

    private static final int MAX_ORDER = 4;

    private final int order;
    /** Derivatives of earlier steps, newest last. */
    private final Deque<float[]> derivatives = new ArrayDeque<>();

    public LmsDiscreteScheduler(SchedulerConfig config) {
        super(config);
        if (config.lmsOrder() < 1 || config.lmsOrder() > MAX_ORDER) {
            throw new UnsupportedSchedulerConfigException("order", config.lmsOrder(), "must be 1.." + MAX_ORDER);
        }
        this.order = config.lmsOrder();
    }

    @Override
    public String name() {
        return "LMSDiscreteScheduler";
    }

    @Override
    protected SigmaTimesteps sigmaLayout(int n) {
        derivatives.clear();
        return SigmaTimesteps.layOut(schedule, spacing, config, n, config.useKarrasSigmas(), Optional.empty(),
                Optional.empty(), 0f);
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        float[] sigmas = sigmaTable();
        float sigma = sigmas[stepIndex];
        float[] current = new float[sample.length];
        for (int i = 0; i < current.length; i++) {
            current[i] = derivative(sigma, sample[i], modelOutput[i]);
        }
        derivatives.addLast(current);
        if (derivatives.size() > order) {
            derivatives.removeFirst();
        }
        int effectiveOrder = Math.min(stepIndex + 1, order);
        float[] coeffs = new float[effectiveOrder];
        for (int k = 0; k < effectiveOrder; k++) {
            coeffs[k] = (float) LmsCoefficients.coefficient(sigmas, stepIndex, effectiveOrder, k);
        }
        // sum(coeff_k * derivative_k) with the newest derivative first, accumulated left to right, then added.
        // diffusers zips the coefficients with the derivatives it has: a trajectory started at a later index
        // (img2img) computes coefficients of order min(index + 1, order) but has fewer derivatives at first, and
        // only the first ones of the coefficients are used.
        int terms = Math.min(effectiveOrder, derivatives.size());
        float[] sum = new float[sample.length];
        Iterator<float[]> newestFirst = derivatives.descendingIterator();
        for (int k = 0; k < terms; k++) {
            float[] d = newestFirst.next();
            float c = coeffs[k];
            for (int i = 0; i < sum.length; i++) {
                sum[i] = sum[i] + c * d[i];
            }
        }
        float[] prev = new float[sample.length];
        for (int i = 0; i < prev.length; i++) {
            prev[i] = sample[i] + sum[i];
        }
        return prev;
    }
}
