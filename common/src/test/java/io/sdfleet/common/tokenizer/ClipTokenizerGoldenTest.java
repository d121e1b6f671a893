package io.sdfleet.common.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every case of {@code ${sdfleet.golden}/clip/tokenizer_cases.json} (ids made by openai/CLIP's
 * simple_tokenizer.py with ftfy 6.3.1) must come out id for id, from the golden folder's
 * vocab.json/merges.txt and from the bundled copy alike.
 */
class ClipTokenizerGoldenTest {

    private static Path goldenClipDir() {
        return Path.of(System.getProperty("sdfleet.golden", "src/test/resources/golden"), "clip");
    }

    @Test
    void everyGoldenCaseMatchesExactly() throws IOException {
        Path dir = goldenClipDir();
        Path casesFile = dir.resolve("tokenizer_cases.json");
        assertTrue(Files.isRegularFile(casesFile), "golden file missing: " + casesFile.toAbsolutePath());
        JsonNode cases = new ObjectMapper().readTree(casesFile.toFile());
        assertTrue(cases.isArray() && cases.size() > 0, casesFile + " must be a non-empty JSON array");

        ClipTokenizer fromFiles = ClipTokenizer.fromFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        ClipTokenizer bundled = ClipTokenizer.bundled();
        int checked = 0;
        for (JsonNode testCase : cases) {
            assertTrue(testCase.hasNonNull("prompt") && testCase.get("input_ids").isArray(),
                    "case " + checked + " of " + casesFile + " lacks prompt or input_ids: " + testCase);
            String prompt = testCase.get("prompt").asText();
            JsonNode idsNode = testCase.get("input_ids");
            int[] expected = new int[idsNode.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = idsNode.get(i).intValue();
            }
            assertArrayEquals(expected, fromFiles.encode(prompt), "prompt " + quoted(prompt));
            assertArrayEquals(expected, bundled.encode(prompt), "bundled tokenizer, prompt " + quoted(prompt));
            checked++;
        }
        System.out.println("tokenizer: " + checked + " cases checked");
        assertEquals(cases.size(), checked);
    }

    @Test
    void goldenTokenizationsAreConsistentWithTheirIds() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(goldenClipDir().resolve("tokenizer_cases.json").toFile());
        ClipTokenizer tokenizer = ClipTokenizer.bundled();
        for (JsonNode testCase : cases) {
            Tokenization t = tokenizer.tokenize(testCase.get("prompt").asText());
            int kept = t.tokens().size();
            assertEquals(Math.min(t.tokenCount(), ClipTokenizer.MAX_CONTENT_TOKENS), kept);
            assertEquals(t.tokenCount() - kept, t.truncatedTokens());
            assertEquals(t.truncatedTokens() > 0, !t.truncatedText().isEmpty());
            assertFalse(kept + 2 > ClipTokenizer.MAX_LENGTH);
        }
    }

    private static String quoted(String prompt) {
        return "\"" + prompt.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
