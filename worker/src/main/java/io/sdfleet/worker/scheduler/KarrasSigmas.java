package io.sdfleet.worker.scheduler;

/**
 * The noise levels of Karras et al. 2022 (eq. 5, rho = 7) and the inverse map from a noise level back to a
 * fractional training timestep, as diffusers' {@code _convert_to_karras} and {@code _sigma_to_t} compute them
 * in float64 numpy.
 */
final class KarrasSigmas {

    private static final double RHO = 7.0;

    private KarrasSigmas() {
    }

    /** n sigmas from sigmaMax down to sigmaMin, evenly spaced in sigma^(1/rho). */
    static double[] between(double sigmaMin, double sigmaMax, int n) {
        double[] ramp = NumpyCompat.linspace(0, 1, n);
        double minInvRho = Math.pow(sigmaMin, 1 / RHO);
        double maxInvRho = Math.pow(sigmaMax, 1 / RHO);
        double[] sigmas = new double[n];
        for (int i = 0; i < n; i++) {
            sigmas[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), RHO);
        }
        return sigmas;
    }

    /** {@code np.log} of float32 training sigmas, kept in float32 as numpy does for a float32 array. */
    static float[] logOf(float[] trainingSigmas) {
        float[] logs = new float[trainingSigmas.length];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = (float) Math.log(trainingSigmas[i]);
        }
        return logs;
    }

    /**
     * The fractional training timestep whose sigma is {@code sigma}: linear interpolation in log-sigma between
     * the two neighbouring training timesteps (clamped to the schedule's ends).
     *
     * @param logSigmas float32 log sigmas of the training timesteps, ascending in t
     */
    static double timestepOf(double sigma, float[] logSigmas) {
        double logSigma = Math.log(Math.max(sigma, 1e-10));
        // np.cumsum(dists >= 0).argmax(): the last t whose log sigma is <= logSigma (0 when none)
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        int high = low + 1;
        float lowLog = logSigmas[low];
        float highLog = logSigmas[high];
        double w = (lowLog - logSigma) / (double) (lowLog - highLog);
        w = Math.min(Math.max(w, 0), 1);
        return (1 - w) * low + w * high;
    }
}
