package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sdfleet.common.SchedulerName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the img2img and inpainting additions of every scheduler against
 * {@code <sdfleet.golden>/img2img/schedulers_img2img.json} (made by tools/golden/make_img2img_golden.py with
 * diffusers 0.35.2; layout in that folder's README.md):
 * <ul>
 *   <li>the strength's begin index and timesteps ({@link StrengthSchedule}, diffusers' get_timesteps), for three
 *       timestep spacings, 1 to 50 steps, strengths 0 to 1; strengths that run nothing are refused;</li>
 *   <li>{@link Scheduler#addNoise} at several step indexes;</li>
 *   <li>img2img trajectories from the begin index (add_noise, then steps with this implementation's own
 *       samples, never reset to the recorded ones);</li>
 *   <li>inpainting trajectories of a 4-channel UNet with the known region blended back after each step.</li>
 * </ul>
 * Tolerances: timesteps as the scheduler golden test (ints exact, floats 1e-4); add_noise, whose result is three
 * float32 operations per element, within 1 ulp-scale bound {@code 1e-6 + 1e-6 |b|}; trajectories
 * {@code 1e-4 + 1e-5 |b|} as the scheduler golden test.
 */
class Img2ImgSchedulerGoldenTest {

    static final String RELATIVE_PATH = "img2img/schedulers_img2img.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double FLOAT_TIMESTEP_TOLERANCE = 1e-4;
    private static final double ADD_NOISE_ABSOLUTE = 1e-6;
    private static final double ADD_NOISE_RELATIVE = 1e-6;
    private static final double TENSOR_ABSOLUTE = 1e-4;
    private static final double TENSOR_RELATIVE = 1e-5;
    /** The golden's variant names to the wire schedulers (Schedulers adds the DPM-Solver++ variant settings). */
    private static final Map<String, SchedulerName> VARIANTS = Map.of(
            "PNDM", SchedulerName.PNDM,
            "DDIM_eta0", SchedulerName.DDIM,
            "EulerDiscrete", SchedulerName.EULER,
            "EulerAncestralDiscrete", SchedulerName.EULER_ANCESTRAL,
            "DPMSolverMultistep_2M", SchedulerName.DPMPP_2M,
            "DPMSolverMultistep_2M_Karras", SchedulerName.DPMPP_2M_KARRAS,
            "LMSDiscrete", SchedulerName.LMS,
            "UniPCMultistep", SchedulerName.UNIPC);

    private static JsonNode root;
    private static final AtomicInteger CHECKED = new AtomicInteger();
    private static double worstAddNoise;
    private static double worstAddNoiseAbsolute;
    private static double worstTrajectory;

    static synchronized JsonNode root() {
        if (root == null) {
            String folder = System.getProperty("sdfleet.golden");
            assertTrue(folder != null && !folder.isBlank(), "system property sdfleet.golden is not set");
            Path file = Path.of(folder).resolve(RELATIVE_PATH);
            assertTrue(Files.isRegularFile(file), "golden file missing: " + file);
            try {
                root = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static Stream<Arguments> cases(String section) {
        List<Arguments> out = new ArrayList<>();
        JsonNode cases = root().get(section);
        assertTrue(cases != null && !cases.isEmpty(), "no " + section + " in " + RELATIVE_PATH);
        for (JsonNode c : cases) {
            String name = c.has("name") ? c.get("name").asText()
                    : c.get("variant").asText() + "/" + c.get("timestep_spacing").asText() + "/"
                    + c.get("num_inference_steps").asInt() + (c.has("strength") ? "/strength" + c.get("strength")
                    .asDouble() : "/index" + c.get("step_index").asInt());
            out.add(Arguments.of(name, c));
        }
        return out.stream();
    }

    static Stream<Arguments> timestepCases() {
        return cases("timestep_cases");
    }

    static Stream<Arguments> addNoiseCases() {
        return cases("add_noise_cases");
    }

    static Stream<Arguments> img2imgCases() {
        return cases("img2img_cases");
    }

    static Stream<Arguments> inpaintCases() {
        return cases("inpaint4_cases");
    }

    /** A scheduler of the case's variant on base_config with the case's timestep spacing (and its step kwargs). */
    private static Scheduler schedulerFor(JsonNode goldenCase) {
        ObjectNode config = ((ObjectNode) root().get("base_config")).deepCopy();
        if (goldenCase.has("config")) {
            config.setAll((ObjectNode) goldenCase.get("config"));
        }
        if (goldenCase.has("timestep_spacing")) {
            config.put("timestep_spacing", goldenCase.get("timestep_spacing").asText());
        }
        JsonNode kwargs = goldenCase.get("step_kwargs");
        if (kwargs != null && kwargs.isObject()) {
            config.setAll((ObjectNode) kwargs);
        }
        SchedulerName kind = VARIANTS.get(goldenCase.get("variant").asText());
        assertTrue(kind != null, "unknown variant " + goldenCase.get("variant"));
        return Schedulers.create(kind, SchedulerConfig.fromJson(config));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timestepCases")
    void strengthSelectsTheTimestepsAndBeginIndexOfDiffusers(String name, JsonNode c) {
        Scheduler scheduler = schedulerFor(c);
        int n = c.get("num_inference_steps").asInt();
        double strength = c.get("strength").asDouble();
        scheduler.setTimesteps(n);
        assertEquals(c.get("order").asInt(), scheduler.order(), name + ": order");
        assertEquals(c.get("num_timesteps").asInt(), scheduler.timesteps().length, name + ": number of timesteps");
        if (c.get("init_timestep").asInt() == 0) {
            // diffusers' inpaint pipeline raises here; its img2img pipeline runs an empty (PNDM: one-step) loop
            Optional<String> problem = StrengthSchedule.problem(n, strength);
            assertTrue(problem.isPresent(), name + ": a strength that runs no step must be refused");
            assertTrue(problem.get().contains("no denoising step"), problem.get());
            assertThrows(IllegalArgumentException.class, () -> StrengthSchedule.of(scheduler, n, strength));
            CHECKED.incrementAndGet();
            return;
        }
        assertEquals(Optional.empty(), StrengthSchedule.problem(n, strength), name);
        StrengthSchedule start = StrengthSchedule.of(scheduler, n, strength);
        assertEquals(c.get("init_timestep").asInt(), start.initTimestep(), name + ": init_timestep");
        assertEquals(c.get("t_start").asInt(), start.startStep(), name + ": t_start");
        if (!c.get("begin_index").isNull()) {
            assertEquals(c.get("begin_index").asInt(), start.beginIndex(), name + ": begin_index");
        }
        assertEquals(start.startStep() * scheduler.order(), start.beginIndex(), name);
        double[] expected = GoldenSchedulerCases.doubles(c.get("timesteps"));
        double[] all = scheduler.timesteps();
        assertEquals(expected.length, start.stepsToRun(), name + ": steps to run");
        assertEquals(expected.length, all.length - start.beginIndex(), name);
        double tolerance = scheduler.integerTimesteps() ? 0 : FLOAT_TIMESTEP_TOLERANCE;
        for (int i = 0; i < expected.length; i++) {
            double actual = all[start.beginIndex() + i];
            assertTrue(Math.abs(expected[i] - actual) <= tolerance,
                    name + ": timestep " + i + " from the begin index is " + actual + ", expected " + expected[i]);
        }
        assertEquals(expected[0], start.startTimestep(), tolerance, name + ": start timestep");
        CHECKED.incrementAndGet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("addNoiseCases")
    void addNoiseMatchesDiffusers(String name, JsonNode c) {
        Scheduler scheduler = schedulerFor(c);
        scheduler.setTimesteps(c.get("num_inference_steps").asInt());
        int index = c.get("step_index").asInt();
        scheduler.beginAt(index);
        float[] original = GoldenSchedulerCases.floats(root().get("image_latents"));
        float[] noise = GoldenSchedulerCases.floats(root().get("noise"));
        float[] noisy = scheduler.addNoise(original, noise, index);
        float[] expected = GoldenSchedulerCases.floats(c.get("noisy"));
        assertEquals(expected.length, noisy.length, name);
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) expected[i] - noisy[i]);
            double bound = ADD_NOISE_ABSOLUTE + ADD_NOISE_RELATIVE * Math.abs(expected[i]);
            synchronized (CHECKED) {
                worstAddNoise = Math.max(worstAddNoise, error / bound);
                worstAddNoiseAbsolute = Math.max(worstAddNoiseAbsolute, error);
            }
            assertTrue(error <= bound, name + ": element " + i + " is " + noisy[i] + ", expected " + expected[i]);
        }
        CHECKED.incrementAndGet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("img2imgCases")
    void img2imgTrajectoryMatchesDiffusersStepForStep(String name, JsonNode c) {
        Scheduler scheduler = schedulerFor(c);
        int n = c.get("num_inference_steps").asInt();
        scheduler.setTimesteps(n);
        StrengthSchedule start = StrengthSchedule.of(scheduler, n, c.get("strength").asDouble());
        if (!c.get("begin_index").isNull()) {
            assertEquals(c.get("begin_index").asInt(), start.beginIndex(), name);
        }
        scheduler.beginAt(start.beginIndex());
        float[] x = scheduler.addNoise(GoldenSchedulerCases.floats(root().get("image_latents")),
                GoldenSchedulerCases.floats(root().get("noise")), start.beginIndex());
        assertClose(name + " initial_latents", GoldenSchedulerCases.floats(c.get("initial_latents")), x);
        JsonNode steps = c.get("steps");
        assertEquals(steps.size(), start.stepsToRun(), name + ": steps");
        for (int k = 0; k < steps.size(); k++) {
            int i = start.beginIndex() + k;
            JsonNode record = steps.get(k);
            double t = scheduler.timesteps()[i];
            assertEquals(record.get("t").asDouble(), t, FLOAT_TIMESTEP_TOLERANCE, name + ": timestep of step " + k);
            float[] xIn = scheduler.scaleModelInput(x, i);
            float[] eps = SchedulerGoldenTest.modelOutput(xIn, t);
            x = scheduler.step(eps, i, x, record.has("noise") ? recorded(record.get("noise")) : null);
            assertClose(name + " step " + k + " (index " + i + ", t=" + t + ") prev_sample",
                    GoldenSchedulerCases.floats(record.get("prev_sample")), x);
        }
        CHECKED.incrementAndGet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inpaintCases")
    void inpaintingWithAFourChannelUNetBlendsTheKnownRegionAsDiffusers(String name, JsonNode c) {
        Scheduler scheduler = schedulerFor(c);
        int n = c.get("num_inference_steps").asInt();
        double strength = c.get("strength").asDouble();
        scheduler.setTimesteps(n);
        StrengthSchedule start = StrengthSchedule.of(scheduler, n, strength);
        scheduler.beginAt(start.beginIndex());
        float[] imageLatents = GoldenSchedulerCases.floats(root().get("image_latents"));
        float[] noise = GoldenSchedulerCases.floats(root().get("noise"));
        float[] mask = GoldenSchedulerCases.floats(root().get("mask_latent"));
        float[] x;
        if (strength == 1.0) { // diffusers: pure noise times init_noise_sigma, as txt2img
            x = new float[noise.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = noise[i] * scheduler.initNoiseSigma();
            }
        } else {
            x = scheduler.addNoise(imageLatents, noise, start.beginIndex());
        }
        assertClose(name + " initial_latents", GoldenSchedulerCases.floats(c.get("initial_latents")), x);
        JsonNode steps = c.get("steps");
        assertEquals(steps.size(), start.stepsToRun(), name + ": steps");
        for (int k = 0; k < steps.size(); k++) {
            int i = start.beginIndex() + k;
            JsonNode record = steps.get(k);
            double t = scheduler.timesteps()[i];
            float[] eps = SchedulerGoldenTest.modelOutput(scheduler.scaleModelInput(x, i), t);
            x = scheduler.step(eps, i, x, record.has("noise") ? recorded(record.get("noise")) : null);
            assertClose(name + " step " + k + " prev_sample", GoldenSchedulerCases.floats(record.get("prev_sample")),
                    x);
            float[] known = InpaintLatents.knownRegionAfterStep(scheduler, imageLatents, noise, i);
            x = InpaintLatents.blendKnownRegion(mask, known, x, 1, 4, 2, 2);
            assertClose(name + " step " + k + " blended", GoldenSchedulerCases.floats(record.get("blended")), x);
        }
        CHECKED.incrementAndGet();
    }

    @Test
    void beginAtIsRefusedAfterTheFirstStepAndOutsideTheTimesteps() {
        Scheduler scheduler = Schedulers.create(SchedulerName.EULER, SchedulerConfig.fromJson(
                (ObjectNode) root().get("base_config")));
        assertThrows(IllegalStateException.class, () -> scheduler.beginAt(0), "before setTimesteps");
        scheduler.setTimesteps(10);
        assertThrows(IndexOutOfBoundsException.class, () -> scheduler.beginAt(10));
        assertThrows(IndexOutOfBoundsException.class, () -> scheduler.beginAt(-1));
        scheduler.beginAt(3);
        assertThrows(IllegalStateException.class, () -> scheduler.step(new float[1], 0, new float[1], null),
                "a trajectory begun at 3 must step 3 first");
        scheduler.beginAt(4); // no step yet: may still move
        scheduler.step(new float[1], 4, new float[1], null);
        assertThrows(IllegalStateException.class, () -> scheduler.beginAt(5), "after a step");
        scheduler.setTimesteps(10); // restarts at 0
        scheduler.step(new float[1], 0, new float[1], null);
        assertThrows(IllegalArgumentException.class, () -> scheduler.addNoise(new float[2], new float[3], 0));
    }

    @Test
    void strengthOutsideZeroToOneIsRefused() {
        assertTrue(StrengthSchedule.problem(10, 1.01).isPresent());
        assertTrue(StrengthSchedule.problem(10, -0.1).isPresent());
        assertTrue(StrengthSchedule.problem(10, Double.NaN).isPresent());
        assertTrue(StrengthSchedule.problem(10, 0.09).isPresent(), "int(10 x 0.09) = 0");
        assertFalse(StrengthSchedule.problem(10, 0.1).isPresent(), "int(10 x 0.1) = 1");
        assertTrue(StrengthSchedule.problem(0, 0.5).isPresent());
    }

    @AfterAll
    static void printWorst() {
        System.out.println("[img2img scheduler golden] cases checked: " + CHECKED + ", add_noise worst |a-b| = "
                + String.format("%.3g", worstAddNoiseAbsolute) + " (" + String.format("%.3f", worstAddNoise)
                + " of 1e-6 + 1e-6|b|), trajectories worst |a-b| / (1e-4 + 1e-5|b|) = "
                + String.format("%.3f", worstTrajectory));
    }

    private static NoiseSource recorded(JsonNode values) {
        float[] noise = GoldenSchedulerCases.floats(values);
        AtomicInteger calls = new AtomicInteger();
        return dest -> {
            assertEquals(1, calls.incrementAndGet(), "noise drawn more than once in a step");
            System.arraycopy(noise, 0, dest, 0, dest.length);
        };
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double bound = TENSOR_ABSOLUTE + TENSOR_RELATIVE * Math.abs(expected[i]);
            double error = Math.abs((double) expected[i] - actual[i]);
            synchronized (CHECKED) {
                worstTrajectory = Math.max(worstTrajectory, error / bound);
            }
            if (!(error <= bound)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (|diff| " + error
                        + " > " + bound + ")");
            }
        }
    }
}
