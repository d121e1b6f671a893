package io.sdfleet.worker.scheduler;

/**
 * The weights of the linear multistep method over a sigma grid: the integral, from sigma_i to sigma_{i+1}, of
 * the Lagrange basis polynomial through the last {@code order} sigmas.
 *
 * <p>Why not numerical quadrature as diffusers (scipy {@code quad}): the integrand is a polynomial of degree
 * order - 1 &lt;= 3, so it is expanded and integrated exactly. It is expanded around the lower limit
 * (u = tau - sigma_i), so the integral is a sum of positive powers of the interval width without cancellation.
 * diffusers evaluates the integrand in float32; the difference is below 1e-6 relative.
 */
final class LmsCoefficients {

    private LmsCoefficients() {
    }

    /**
     * @param sigmas the sigma grid (descending)
     * @param i the current step index; uses sigmas[i - order + 1 .. i] as nodes
     * @param order the number of nodes, 1..i+1
     * @param current which node's basis polynomial: 0 = sigmas[i], 1 = sigmas[i - 1], ...
     */
    static double coefficient(float[] sigmas, int i, int order, int current) {
        double lower = sigmas[i];
        double upper = sigmas[i + 1];
        double node = sigmas[i - current];
        // polynomial in u = tau - lower, coefficients ascending; starts as the constant 1
        double[] poly = new double[order];
        poly[0] = 1.0;
        int degree = 0;
        for (int k = 0; k < order; k++) {
            if (k == current) {
                continue;
            }
            double other = sigmas[i - k];
            double denom = node - other;
            double shift = lower - other; // (tau - other) = u + shift
            for (int d = degree + 1; d >= 0; d--) {
                double fromU = d > 0 ? poly[d - 1] : 0.0;
                double fromShift = d <= degree ? poly[d] * shift : 0.0;
                poly[d] = (fromU + fromShift) / denom;
            }
            degree++;
        }
        double width = upper - lower;
        double integral = 0.0;
        double power = width;
        for (int d = 0; d <= degree; d++) {
            integral += poly[d] * power / (d + 1);
            power *= width;
        }
        return integral;
    }
}
