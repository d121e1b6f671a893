package io.sdfleet.worker.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every case of golden/rng/torch_randn.json: {@code torch.randn(shape, generator=manual_seed(seed))}
 * from torch 1.13 must come out of {@link TorchGenerator} with identical float32 bits.
 */
class TorchRandnGoldenTest {

    @Test
    void everyGoldenCaseIsBitExact() throws Exception {
        JsonNode cases = GoldenData.readJson("rng/torch_randn.json").get("cases");
        assertTrue(cases != null && cases.size() > 0, "torch_randn.json has no cases");
        int exactCases = 0;
        long elements = 0;
        long exactElements = 0;
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            long seed = Long.parseUnsignedLong(c.get("seed").asText());
            int numel = GoldenData.numel(c.get("shape"));
            float[] expected = GoldenData.floats(c.get("values"));
            assertEquals(numel, expected.length, "values length vs shape for seed " + seed);

            float[] actual = new TorchGenerator(seed).randn(numel);

            int equal = GoldenData.countBitEqual(expected, actual);
            elements += numel;
            exactElements += equal;
            if (equal == numel) {
                exactCases++;
            } else {
                failures.add("seed " + Long.toUnsignedString(seed) + " shape " + c.get("shape") + ": "
                        + equal + "/" + numel + " exact, " + GoldenData.firstDifference(expected, actual));
            }
        }
        System.out.printf("torch_randn.json: %d/%d cases and %d/%d elements bit-exact%n",
                exactCases, cases.size(), exactElements, elements);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
