package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The LMS weights integrate exactly every polynomial of degree below the order: sum_k c_k p(node_k) equals
 * the integral of p over [sigma_i, sigma_{i+1}].
 */
class LmsCoefficientsTest {

    private static final float[] SIGMAS = {14.6f, 9.1f, 5.4f, 3.2f, 1.75f, 0.9f, 0.0f};

    private static double weightedSum(int i, int order, java.util.function.DoubleUnaryOperator p) {
        double sum = 0;
        for (int k = 0; k < order; k++) {
            sum += LmsCoefficients.coefficient(SIGMAS, i, order, k) * p.applyAsDouble(SIGMAS[i - k]);
        }
        return sum;
    }

    @Test
    void orderOneIsTheIntervalWidth() {
        assertEquals((double) SIGMAS[1] - SIGMAS[0], LmsCoefficients.coefficient(SIGMAS, 0, 1, 0), 0.0);
    }

    @Test
    void integratesCubicsExactlyAtOrderFour() {
        for (int i = 3; i < SIGMAS.length - 1; i++) {
            double a = SIGMAS[i];
            double b = SIGMAS[i + 1];
            double exact = (Math.pow(b, 4) - Math.pow(a, 4)) / 4 - (b * b - a * a) + 3 * (b - a);
            double lms = weightedSum(i, 4, s -> s * s * s - 2 * s + 3);
            assertEquals(exact, lms, 1e-12 * Math.max(1, Math.abs(exact)), "interval " + i);
        }
    }

    @Test
    void integratesLinesExactlyAtOrderTwo() {
        double a = SIGMAS[2];
        double b = SIGMAS[3];
        assertEquals((b * b - a * a) / 2 * 5 + (b - a), weightedSum(2, 2, s -> 5 * s + 1), 1e-12);
    }
}
