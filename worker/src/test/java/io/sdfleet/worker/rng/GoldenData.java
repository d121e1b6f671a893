package io.sdfleet.worker.rng;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads golden reference files from the folder named by the {@code sdfleet.golden} system property. */
final class GoldenData {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenData() {
    }

    /** Parses {@code <sdfleet.golden>/<relativePath>}; fails the test, naming the file, if it is missing. */
    static JsonNode readJson(String relativePath) throws IOException {
        String root = System.getProperty("sdfleet.golden");
        assertTrue(root != null && !root.isBlank(),
                "system property sdfleet.golden is not set (surefire sets it to src/test/resources/golden)");
        Path file = Path.of(root).resolve(relativePath);
        assertTrue(Files.isRegularFile(file), "golden file missing: " + file
                + " (copy it from /work/shared/golden/" + relativePath + ")");
        return JSON.readTree(file.toFile());
    }

    /** A JSON array of numbers as float32 values (each was written as the exact float's double value). */
    static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    /** The number of elements of a tensor shape given as a JSON array of ints. */
    static int numel(JsonNode shape) {
        int n = 1;
        for (JsonNode dimension : shape) {
            n = Math.multiplyExact(n, dimension.asInt());
        }
        return n;
    }

    /** Counts positions where the float bits are identical (so -0 and +0 differ, NaN equals itself). */
    static int countBitEqual(float[] expected, float[] actual) {
        int equal = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) == Float.floatToIntBits(actual[i])) {
                equal++;
            }
        }
        return equal;
    }

    /** The first index where the bits differ, with both values, or "" when all are equal. */
    static String firstDifference(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                return "first difference at [" + i + "]: expected " + expected[i] + " got " + actual[i];
            }
        }
        return "";
    }
}
