package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.SchedulerName;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Timestep layouts for the spacings the golden file does not cover (trailing, linspace), checked against the
 * formulas of diffusers' set_timesteps worked out by hand for N = 1000, and a smoke run of every scheduler
 * with every spacing over several step counts.
 */
class TimestepLayoutTest {

    private static SchedulerConfig sd15(String spacing, int stepsOffset) {
        return SchedulerConfig.parse("{\"num_train_timesteps\":1000,\"beta_start\":0.00085,\"beta_end\":0.012,"
                + "\"beta_schedule\":\"scaled_linear\",\"steps_offset\":" + stepsOffset + ",\"set_alpha_to_one\":false,"
                + "\"clip_sample\":false,\"skip_prk_steps\":true,\"timestep_spacing\":\"" + spacing + "\"}");
    }

    private static double[] timesteps(SchedulerName kind, String spacing, int offset, int n) {
        Scheduler s = Schedulers.create(kind, sd15(spacing, offset));
        s.setTimesteps(n);
        return s.timesteps();
    }

    @Test
    void ddimTrailingCountsDownFromTheEnd() {
        assertArrayEquals(new double[] {999, 899, 799, 699, 599, 499, 399, 299, 199, 99},
                timesteps(SchedulerName.DDIM, "trailing", 1, 10));
    }

    @Test
    void trailingRoundsHalvesToEven() {
        // 1000 - 62.5 k: 937.5 -> 938, 812.5 -> 812 (numpy rounds half to even), then minus 1
        double[] t = timesteps(SchedulerName.DDIM, "trailing", 0, 16);
        assertArrayEquals(new double[] {999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124,
            61}, t);
    }

    @Test
    void ddimLinspaceIncludesBothEnds() {
        assertArrayEquals(new double[] {999, 888, 777, 666, 555, 444, 333, 222, 111, 0},
                timesteps(SchedulerName.DDIM, "linspace", 1, 10));
    }

    @Test
    void leadingUsesStepsOffset() {
        assertArrayEquals(new double[] {750, 500, 250, 0}, timesteps(SchedulerName.DDIM, "leading", 0, 4));
        assertArrayEquals(new double[] {752, 502, 252, 2}, timesteps(SchedulerName.DDIM, "leading", 2, 4));
    }

    @Test
    void pndmRepeatsTheSecondTimestepForEverySpacing() {
        assertArrayEquals(new double[] {999, 899, 899, 799, 699, 599, 499, 399, 299, 199, 99},
                timesteps(SchedulerName.PNDM, "trailing", 1, 10));
        assertArrayEquals(new double[] {999, 666, 666, 333, 0}, timesteps(SchedulerName.PNDM, "linspace", 1, 4));
    }

    @Test
    void eulerKeepsFractionalLinspaceTimesteps() {
        double[] t = timesteps(SchedulerName.EULER, "linspace", 1, 7);
        assertEquals(7, t.length);
        assertEquals(999.0, t[0]);
        assertEquals((float) (999.0 * 5 / 6), t[1], 0.0);
        assertEquals(0.0, t[6]);
        assertArrayEquals(new double[] {999, 749, 499, 249}, timesteps(SchedulerName.EULER, "trailing", 1, 4));
    }

    @Test
    void multistepLinspaceDropsTheLastOfNPlusOnePoints() {
        // linspace(0, 999, 11) = 0, 99.9, 199.8, ..., 499.5 (-> 500, half to even), 599.4, ..., 999
        assertArrayEquals(new double[] {999, 899, 799, 699, 599, 500, 400, 300, 200, 100},
                timesteps(SchedulerName.DPMPP_2M, "linspace", 1, 10));
        assertArrayEquals(new double[] {999, 899, 799, 699, 599, 499, 399, 299, 199, 99},
                timesteps(SchedulerName.UNIPC, "trailing", 1, 10));
        // leading: step ratio 1000 // (n + 1)
        assertArrayEquals(new double[] {800, 600, 400, 200}, timesteps(SchedulerName.UNIPC, "leading", 0, 4));
    }

    @Test
    void eulerInitNoiseSigmaDependsOnSpacing() {
        Scheduler trailing = Schedulers.create(SchedulerName.EULER, sd15("trailing", 1));
        trailing.setTimesteps(10);
        assertEquals(trailing.sigmas().orElseThrow()[0], trailing.initNoiseSigma());
        Scheduler leading = Schedulers.create(SchedulerName.EULER, sd15("leading", 1));
        leading.setTimesteps(10);
        float max = leading.sigmas().orElseThrow()[0];
        assertEquals((float) Math.sqrt(max * max + 1), leading.initNoiseSigma());
    }

    static Stream<Arguments> everyKindSpacingAndCount() {
        List<Arguments> out = new ArrayList<>();
        for (SchedulerName kind : SchedulerName.values()) {
            for (String spacing : new String[] {"leading", "trailing", "linspace"}) {
                for (int n : new int[] {1, 2, 3, 7, 20, 50}) {
                    out.add(Arguments.of(kind, spacing, n));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyKindSpacingAndCount")
    void everySchedulerRunsEverySpacingToAFiniteResult(SchedulerName kind, String spacing, int n) {
        Scheduler s = Schedulers.create(kind, sd15(spacing, 1).withEta(kind == SchedulerName.DDIM ? 0.5 : 0));
        s.setTimesteps(n);
        double[] t = s.timesteps();
        for (int i = 1; i < t.length; i++) {
            assertTrue(t[i] <= t[i - 1], kind + " timesteps must not increase: " + java.util.Arrays.toString(t));
        }
        Random random = new Random(7);
        NoiseSource noise = dest -> {
            for (int i = 0; i < dest.length; i++) {
                dest[i] = (float) random.nextGaussian();
            }
        };
        float[] x = new float[32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * s.initNoiseSigma();
        }
        for (int i = 0; i < t.length; i++) {
            float[] eps = SchedulerGoldenTest.modelOutput(s.scaleModelInput(x, i), t[i]);
            x = s.step(eps, i, x, noise);
        }
        for (float v : x) {
            assertTrue(Float.isFinite(v) && Math.abs(v) < 100, kind + " " + spacing + " " + n + ": " + v);
        }
    }
}
