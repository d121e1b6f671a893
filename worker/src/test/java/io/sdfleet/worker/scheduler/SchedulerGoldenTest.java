package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdfleet.common.SchedulerName;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of the golden scheduler file end to end: the scheduler is built from base_config + the
 * case's config, and the whole trajectory is run with this implementation's own samples (never reset to the
 * recorded ones), the model output computed by the README's formula, and the recorded Euler-ancestral noise
 * injected. Timesteps, sigmas, init_noise_sigma, and every step's scaled input and prev_sample are compared.
 *
 * <p>Tolerances are the README's suggested ones: int timesteps exact, float timesteps 1e-4, sigmas and
 * init_noise_sigma relative 1e-6, tensors |a - b| &lt;= 1e-4 + 1e-5 |b| (no extra slack was needed).
 */
class SchedulerGoldenTest {

    private static final double FLOAT_TIMESTEP_TOLERANCE = 1e-4;
    private static final double RELATIVE_SIGMA_TOLERANCE = 1e-6;
    private static final double TENSOR_ABSOLUTE = 1e-4;
    private static final double TENSOR_RELATIVE = 1e-5;

    private static final Map<String, AtomicInteger> CASES_PER_VARIANT = new TreeMap<>();
    private static final AtomicInteger STEPS_CHECKED = new AtomicInteger();
    private static double worstTensorError;

    static Stream<Arguments> goldenCases() {
        return GoldenSchedulerCases.cases().stream().map(c -> Arguments.of(c.get("name").asText(), c));
    }

    @Test
    void goldenFileHasCases() {
        assertFalse(GoldenSchedulerCases.cases().isEmpty(), "no cases in " + GoldenSchedulerCases.RELATIVE_PATH);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void trajectoryMatchesDiffusers(String name, JsonNode goldenCase) {
        SchedulerConfig config = GoldenSchedulerCases.configOf(goldenCase);
        SchedulerName kind = GoldenSchedulerCases.kindOf(goldenCase, config);
        Scheduler scheduler = Schedulers.create(kind, config);
        scheduler.setTimesteps(goldenCase.get("num_inference_steps").asInt());

        checkTimesteps(name, goldenCase, scheduler);
        checkSigmas(name, goldenCase, scheduler);
        float init = scheduler.initNoiseSigma();
        float expectedInit = (float) goldenCase.get("init_noise_sigma").asDouble();
        assertTrue(Math.abs(init - expectedInit) <= RELATIVE_SIGMA_TOLERANCE * Math.abs(expectedInit),
                name + ": init_noise_sigma " + init + " != " + expectedInit);

        float[] xT = GoldenSchedulerCases.floats(GoldenSchedulerCases.root().get("x_T").get("values"));
        float[] x = new float[xT.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = xT[i] * init;
        }
        assertClose(name + " initial_latents", GoldenSchedulerCases.floats(goldenCase.get("initial_latents")), x);

        JsonNode steps = goldenCase.get("steps");
        assertEquals(steps.size(), scheduler.timesteps().length, name + ": number of steps");
        for (int i = 0; i < steps.size(); i++) {
            JsonNode record = steps.get(i);
            double t = scheduler.timesteps()[i];
            String where = name + " step " + i + " (t=" + t + ")";
            float[] xIn = scheduler.scaleModelInput(x, i);
            assertClose(where + " scaled_model_input", GoldenSchedulerCases.floats(record.get("scaled_model_input")),
                    xIn);
            float[] eps = modelOutput(xIn, t);
            NoiseSource noise = record.has("noise") ? recordedNoise(where, record.get("noise")) : null;
            x = scheduler.step(eps, i, x, noise);
            assertClose(where + " prev_sample", GoldenSchedulerCases.floats(record.get("prev_sample")), x);
            STEPS_CHECKED.incrementAndGet();
        }
        synchronized (CASES_PER_VARIANT) {
            CASES_PER_VARIANT.computeIfAbsent(goldenCase.get("variant").asText(), k -> new AtomicInteger())
                    .incrementAndGet();
        }
    }

    @AfterAll
    static void printCounts() {
        System.out.println("[scheduler golden] cases checked per variant: " + CASES_PER_VARIANT + ", steps: "
                + STEPS_CHECKED + ", worst |a-b| / (1e-4 + 1e-5|b|) = " + String.format("%.3f", worstTensorError));
    }

    /** The README's stand-in model: eps = 0.1f * x_in + (float) (0.05 * sin(t / 100)), in float32. */
    static float[] modelOutput(float[] xIn, double t) {
        float offset = (float) (0.05 * Math.sin(t / 100.0));
        float[] eps = new float[xIn.length];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = 0.1f * xIn[i] + offset;
        }
        return eps;
    }

    private static NoiseSource recordedNoise(String where, JsonNode values) {
        float[] recorded = GoldenSchedulerCases.floats(values);
        AtomicInteger calls = new AtomicInteger();
        return dest -> {
            assertEquals(1, calls.incrementAndGet(), where + ": noise drawn more than once");
            assertEquals(recorded.length, dest.length, where + ": noise shape");
            System.arraycopy(recorded, 0, dest, 0, dest.length);
        };
    }

    private static void checkTimesteps(String name, JsonNode goldenCase, Scheduler scheduler) {
        double[] expected = GoldenSchedulerCases.doubles(goldenCase.get("timesteps"));
        double[] actual = scheduler.timesteps();
        boolean integer = "int64".equals(goldenCase.get("timesteps_dtype").asText());
        assertEquals(integer, scheduler.integerTimesteps(), name + ": timestep type");
        assertEquals(expected.length, actual.length, name + ": number of timesteps");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = integer ? 0 : FLOAT_TIMESTEP_TOLERANCE;
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance,
                    name + ": timestep " + i + " is " + actual[i] + ", expected " + expected[i]);
        }
    }

    private static void checkSigmas(String name, JsonNode goldenCase, Scheduler scheduler) {
        JsonNode sigmas = goldenCase.get("sigmas");
        Optional<float[]> actual = scheduler.sigmas();
        if (sigmas == null || sigmas.isNull()) {
            return;
        }
        assertTrue(actual.isPresent(), name + ": scheduler has no sigmas");
        float[] expected = GoldenSchedulerCases.floats(sigmas);
        assertEquals(expected.length, actual.get().length, name + ": number of sigmas");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual.get()[i]) <= RELATIVE_SIGMA_TOLERANCE * Math.abs(expected[i]),
                    name + ": sigma " + i + " is " + actual.get()[i] + ", expected " + expected[i]);
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double bound = TENSOR_ABSOLUTE + TENSOR_RELATIVE * Math.abs(expected[i]);
            double error = Math.abs((double) expected[i] - actual[i]);
            synchronized (CASES_PER_VARIANT) {
                worstTensorError = Math.max(worstTensorError, error / bound);
            }
            if (!(error <= bound)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (|diff| "
                        + error + " > " + bound + ")");
            }
        }
    }
}
