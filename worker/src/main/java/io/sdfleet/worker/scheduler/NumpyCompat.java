package io.sdfleet.worker.scheduler;

/**
 * The few numpy float64 routines diffusers uses to lay out timesteps and sigmas, reproduced with numpy's own
 * operation order so that the results are the same doubles (not merely close ones): a timestep that lands on
 * x.5 must round the same way.
 */
final class NumpyCompat {

    private NumpyCompat() {
    }

    /**
     * {@code np.arange(start, stop, step)} for float64: length ceil((stop - start) / step); element 0 is start,
     * element 1 is start + step, and element i is start + i * delta with delta = (start + step) - start,
     * which is how numpy fills the array.
     */
    static double[] arange(double start, double stop, double step) {
        double length = Math.ceil((stop - start) / step);
        if (!(length > 0)) {
            return new double[0];
        }
        double[] out = new double[(int) length];
        out[0] = start;
        if (out.length > 1) {
            out[1] = start + step;
            double delta = out[1] - start;
            for (int i = 2; i < out.length; i++) {
                out[i] = start + i * delta;
            }
        }
        return out;
    }

    /** {@code np.linspace(start, stop, num)} (endpoint included): i * ((stop - start) / (num - 1)) + start. */
    static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        if (num == 1) {
            out[0] = start;
            return out;
        }
        int div = num - 1;
        double delta = stop - start;
        double step = delta / div;
        for (int i = 0; i < num; i++) {
            out[i] = step == 0 ? i / (double) div * delta + start : i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /** {@code np.round} for float64 (round half to even). */
    static double[] round(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.rint(values[i]);
        }
        return out;
    }

    /** A reversed copy ({@code a[::-1]}). */
    static double[] reversed(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[values.length - 1 - i];
        }
        return out;
    }

    /**
     * {@code np.interp(x, np.arange(len(fp)), fp)} in float64 with fp given as float32 values: outside the
     * range the end values; at a grid point exactly that value; otherwise slope * (x - xp[j]) + fp[j].
     */
    static double interp(double x, float[] fp) {
        int last = fp.length - 1;
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x <= 0) {
            return fp[0];
        }
        if (x >= last) {
            return fp[last];
        }
        int j = (int) Math.floor(x);
        double slope = ((double) fp[j + 1] - (double) fp[j]) / 1.0;
        return slope * (x - j) + fp[j];
    }
}
