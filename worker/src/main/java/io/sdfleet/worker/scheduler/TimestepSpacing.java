package io.sdfleet.worker.scheduler;

import java.util.Locale;

/**
 * How the inference timesteps are picked from the training schedule (config key {@code timestep_spacing}),
 * following table 2 of "Common Diffusion Noise Schedules and Sample Steps are Flawed" as diffusers does.
 *
 * <p>The two layouts below are the two families of diffusers' {@code set_timesteps}; results are descending,
 * computed in float64 exactly as numpy does (see {@link NumpyCompat}), and integer-valued except for
 * {@link #LINSPACE} in {@link #singleStep} when {@code roundLinspace} is false (Euler, LMS).
 */
enum TimestepSpacing {
    /** t = i * (N / n) + steps_offset, counting from 0. */
    LEADING("leading"),
    /** t = N - i * (N / n) - 1, counting down from the end of the schedule. */
    TRAILING("trailing"),
    /** n evenly spaced points from 0 to N - 1, both included. */
    LINSPACE("linspace");

    /** Config key this enum is read from. */
    static final String KEY = "timestep_spacing";

    private final String configValue;

    TimestepSpacing(String configValue) {
        this.configValue = configValue;
    }

    String configValue() {
        return configValue;
    }

    static TimestepSpacing parse(String value) {
        if (value != null) {
            String wanted = value.strip().toLowerCase(Locale.ROOT);
            for (TimestepSpacing s : values()) {
                if (s.configValue.equals(wanted)) {
                    return s;
                }
            }
        }
        throw new UnsupportedSchedulerConfigException(KEY, value, "expected one of leading, trailing, linspace");
    }

    /**
     * The layout of DDIM, PNDM, Euler, Euler ancestral and LMS: n descending timesteps over [0, N).
     *
     * @param trainSteps N, {@code num_train_timesteps}
     * @param n the number of inference steps
     * @param stepsOffset added to {@link #LEADING} timesteps only
     * @param roundLinspace round {@link #LINSPACE} values to integers (DDIM, PNDM) or keep them (Euler, LMS)
     */
    double[] singleStep(int trainSteps, int n, int stepsOffset, boolean roundLinspace) {
        requirePositive(n);
        switch (this) {
            case LINSPACE -> {
                double[] t = NumpyCompat.linspace(0, trainSteps - 1, n);
                return NumpyCompat.reversed(roundLinspace ? NumpyCompat.round(t) : t);
            }
            case LEADING -> {
                int ratio = trainSteps / n;
                double[] t = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = (double) (n - 1 - i) * ratio + stepsOffset;
                }
                return t;
            }
            case TRAILING -> {
                double[] t = NumpyCompat.round(NumpyCompat.arange(trainSteps, 0, -(trainSteps / (double) n)));
                for (int i = 0; i < t.length; i++) {
                    t[i] -= 1;
                }
                return t;
            }
            default -> throw new AssertionError(this);
        }
    }

    /**
     * The layout of DPM-Solver and UniPC: n + 1 points are laid out and the last (smallest) is dropped.
     *
     * @param lastTimestep the end of the usable schedule (N, or less when {@code lambda_min_clipped} clips)
     * @param trainSteps N, used by {@link #TRAILING} for the step size
     * @param n the number of inference steps
     * @param stepsOffset added to {@link #LEADING} timesteps only
     */
    double[] multistep(int lastTimestep, int trainSteps, int n, int stepsOffset) {
        requirePositive(n);
        switch (this) {
            case LINSPACE -> {
                double[] t = NumpyCompat.round(NumpyCompat.linspace(0, lastTimestep - 1, n + 1));
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = t[n - i];
                }
                return out;
            }
            case LEADING -> {
                int ratio = lastTimestep / (n + 1);
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (double) (n - i) * ratio + stepsOffset;
                }
                return out;
            }
            case TRAILING -> {
                double[] t = NumpyCompat.round(NumpyCompat.arange(lastTimestep, 0, -(trainSteps / (double) n)));
                for (int i = 0; i < t.length; i++) {
                    t[i] -= 1;
                }
                return t;
            }
            default -> throw new AssertionError(this);
        }
    }

    private static void requirePositive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("numInferenceSteps must be at least 1, got " + n);
        }
    }
}
