package io.sdfleet.worker.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Reads {@code <sdfleet.golden>/schedulers/schedulers.json} (layout: ../shared/golden/README.md). */
public final class GoldenSchedulerCases {

    static final String RELATIVE_PATH = "schedulers/schedulers.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode root;

    private GoldenSchedulerCases() {
    }

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

    static List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        root().get("cases").forEach(out::add);
        return out;
    }

    /** base_config, overlaid by the case's effective config and its step kwargs (eta, order). */
    static SchedulerConfig configOf(JsonNode goldenCase) {
        ObjectNode merged = ((ObjectNode) root().get("base_config")).deepCopy();
        merged.setAll((ObjectNode) goldenCase.get("config"));
        JsonNode kwargs = goldenCase.get("step_kwargs");
        if (kwargs != null && kwargs.isObject()) {
            merged.setAll((ObjectNode) kwargs);
        }
        return SchedulerConfig.fromJson(merged);
    }

    /** The scheduler kind for the case's diffusers class; an unknown class fails the test. */
    static SchedulerName kindOf(JsonNode goldenCase, SchedulerConfig config) {
        String className = goldenCase.get("scheduler").asText();
        return switch (className) {
            case "PNDMScheduler" -> SchedulerName.PNDM;
            case "DDIMScheduler" -> SchedulerName.DDIM;
            case "EulerDiscreteScheduler" -> SchedulerName.EULER;
            case "EulerAncestralDiscreteScheduler" -> SchedulerName.EULER_ANCESTRAL;
            case "DPMSolverMultistepScheduler" -> config.useKarrasSigmas()
                    ? SchedulerName.DPMPP_2M_KARRAS : SchedulerName.DPMPP_2M;
            case "LMSDiscreteScheduler" -> SchedulerName.LMS;
            case "UniPCMultistepScheduler" -> SchedulerName.UNIPC;
            default -> throw new AssertionError("golden case " + goldenCase.get("name").asText()
                    + " uses scheduler class " + className + ", which has no implementation here");
        };
    }

    /** A golden array as float32 values (written as each float32 value's exact double). */
    public static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
