package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.common.SchedulerName;
import org.junit.jupiter.api.Test;

/**
 * prediction_type v_prediction (v = alpha_t * eps - sigma_t * x0) on small hand-computed cases: a four-step
 * training schedule given by trained_betas, two samples, and the expected first step worked out in double
 * from the formulas (x0 = alpha x - sigma v with alpha = sqrt(alpha_bar), sigma = sqrt(1 - alpha_bar)).
 */
class VPredictionTest {

    private static final double[] BETAS = {0.1, 0.2, 0.3, 0.4};
    private static final float[] X = {0.5f, -1.25f};
    private static final float[] V = {0.3f, 0.7f};

    private static SchedulerConfig config(String spacing) {
        return SchedulerConfig.parse("{\"num_train_timesteps\":4,\"trained_betas\":[0.1,0.2,0.3,0.4],"
                + "\"prediction_type\":\"v_prediction\",\"timestep_spacing\":\"" + spacing + "\",\"steps_offset\":0,"
                + "\"set_alpha_to_one\":false,\"clip_sample\":false,\"skip_prk_steps\":true}");
    }

    private static double alphaBar(int t) {
        double p = 1;
        for (int i = 0; i <= t; i++) {
            p *= 1 - (float) BETAS[i];
        }
        return p;
    }

    private static void assertNear(double expected, float actual) {
        assertEquals(expected, actual, 2e-6 * Math.max(1, Math.abs(expected)));
    }

    @Test
    void ddimPredictsX0AndEpsFromV() {
        Scheduler s = Schedulers.create(SchedulerName.DDIM, config("leading"));
        s.setTimesteps(2); // timesteps 2, 0
        float[] prev = s.step(V, 0, X, null);
        double a = alphaBar(2);
        double aPrev = alphaBar(0);
        for (int i = 0; i < X.length; i++) {
            double x0 = Math.sqrt(a) * X[i] - Math.sqrt(1 - a) * V[i];
            double eps = Math.sqrt(a) * V[i] + Math.sqrt(1 - a) * X[i];
            assertNear(Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps, prev[i]);
        }
    }

    @Test
    void pndmConvertsVToEps() {
        Scheduler s = Schedulers.create(SchedulerName.PNDM, config("leading"));
        s.setTimesteps(2); // 2, 0, 0
        float[] prev = s.step(V, 0, X, null);
        double a = alphaBar(2);
        double aPrev = alphaBar(0);
        for (int i = 0; i < X.length; i++) {
            double eps = Math.sqrt(a) * V[i] + Math.sqrt(1 - a) * X[i];
            double denom = a * Math.sqrt(1 - aPrev) + Math.sqrt(a * (1 - a) * aPrev);
            assertNear(Math.sqrt(aPrev / a) * X[i] - (aPrev - a) * eps / denom, prev[i]);
        }
    }

    /** x0 in sigma form: v * (-sigma / sqrt(sigma^2 + 1)) + x / (sigma^2 + 1). */
    private static double sigmaFormX0(double sigma, double x, double v) {
        return v * (-sigma / Math.sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1);
    }

    @Test
    void eulerLmsAndAncestralUseTheSigmaFormOfV() {
        for (SchedulerName kind : new SchedulerName[] {SchedulerName.EULER, SchedulerName.LMS,
            SchedulerName.EULER_ANCESTRAL}) {
            Scheduler s = Schedulers.create(kind, config("leading"));
            s.setTimesteps(2);
            float[] sigmas = s.sigmas().orElseThrow();
            double sigma = sigmas[0];
            double next = sigmas[1];
            assertEquals(Math.sqrt((1 - alphaBar(2)) / alphaBar(2)), sigma, 1e-6);
            double target = next;
            if (kind == SchedulerName.EULER_ANCESTRAL) {
                double up = Math.sqrt(next * next * (sigma * sigma - next * next) / (sigma * sigma));
                target = Math.sqrt(next * next - up * up);
            }
            float[] prev = s.step(V, 0, X, dest -> java.util.Arrays.fill(dest, 0f));
            for (int i = 0; i < X.length; i++) {
                double x0 = sigmaFormX0(sigma, X[i], V[i]);
                assertNear(X[i] + (X[i] - x0) / sigma * (target - sigma), prev[i]);
            }
        }
    }

    @Test
    void dpmSolverAndUniPcFirstStepIsTheDataPredictionUpdate() {
        for (SchedulerName kind : new SchedulerName[] {SchedulerName.DPMPP_2M, SchedulerName.UNIPC}) {
            Scheduler s = Schedulers.create(kind, config("trailing"));
            s.setTimesteps(2); // 3, 1
            float[] sigmas = s.sigmas().orElseThrow();
            double alphaS = 1 / Math.sqrt(sigmas[0] * (double) sigmas[0] + 1);
            double sigmaS = sigmas[0] * alphaS;
            double alphaT = 1 / Math.sqrt(sigmas[1] * (double) sigmas[1] + 1);
            double sigmaT = sigmas[1] * alphaT;
            double h = Math.log(alphaT / sigmaT) - Math.log(alphaS / sigmaS);
            float[] prev = s.step(V, 0, X, null);
            for (int i = 0; i < X.length; i++) {
                double x0 = alphaS * X[i] - sigmaS * V[i];
                assertNear(sigmaT / sigmaS * X[i] - alphaT * Math.expm1(-h) * x0, prev[i]);
            }
        }
    }
}
