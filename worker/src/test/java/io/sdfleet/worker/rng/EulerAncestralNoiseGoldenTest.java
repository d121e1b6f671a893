package io.sdfleet.worker.rng;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The random tensors recorded in golden/schedulers/schedulers.json: x_T, and the noise an Euler-ancestral
 * scheduler draws at each step from a fresh generator (one {@code randn} of the latent shape per step).
 */
class EulerAncestralNoiseGoldenTest {

    private static final String FILE = "schedulers/schedulers.json";
    private static final String ANCESTRAL_VARIANT = "EulerAncestralDiscrete";

    @Test
    void initialLatentsMatchTorch() throws Exception {
        JsonNode xT = GoldenData.readJson(FILE).get("x_T");
        long seed = xT.get("seed").asLong();
        float[] expected = GoldenData.floats(xT.get("values"));

        float[] actual = new TorchGenerator(seed).randn(GoldenData.numel(xT.get("shape")));

        int equal = GoldenData.countBitEqual(expected, actual);
        System.out.printf("schedulers.json x_T (seed %d): %d/%d elements bit-exact%n",
                seed, equal, expected.length);
        assertTrue(equal == expected.length, GoldenData.firstDifference(expected, actual));
    }

    @Test
    void everyAncestralStepNoiseMatchesTorch() throws Exception {
        JsonNode cases = GoldenData.readJson(FILE).get("cases");
        int ancestralCases = 0;
        int steps = 0;
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            if (!ANCESTRAL_VARIANT.equals(c.get("variant").asText())) {
                continue;
            }
            ancestralCases++;
            TorchGenerator generator = new TorchGenerator(c.get("noise_generator_seed").asLong());
            for (JsonNode step : c.get("steps")) {
                JsonNode noise = step.get("noise");
                assertTrue(noise != null && noise.isArray(), c.get("name") + " step without noise");
                float[] expected = GoldenData.floats(noise);
                float[] actual = generator.randn(expected.length);
                steps++;
                if (GoldenData.countBitEqual(expected, actual) != expected.length) {
                    failures.add(c.get("name").asText() + " step " + step.get("index") + ": "
                            + GoldenData.firstDifference(expected, actual));
                }
            }
        }
        System.out.printf("schedulers.json: %d Euler-ancestral cases, %d steps of noise checked, %d differ%n",
                ancestralCases, steps, failures.size());
        assertTrue(ancestralCases > 0, "no " + ANCESTRAL_VARIANT + " case in " + FILE);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
