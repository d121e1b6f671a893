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
        ObjectMapper json = new ObjectMapper();
        JsonNode cases = json.readTree(goldenClipDir().resolve("tokenizer_cases.json").toFile());
        JsonNode vocab = json.readTree(goldenClipDir().resolve("vocab.json").toFile());
        assertFalse(cases.isEmpty(), "no tokenizer cases");
        ClipTokenizer tokenizer = ClipTokenizer.bundled();
        for (JsonNode testCase : cases) {
            String prompt = testCase.get("prompt").asText();
            Tokenization t = tokenizer.tokenize(prompt);
            int kept = t.tokens().size();
            // The reported tokens are exactly the golden ids between the start token and the end token.
            JsonNode ids = testCase.get("input_ids");
            for (int i = 0; i < kept; i++) {
                assertEquals(ids.get(i + 1).asInt(), vocab.get(t.tokens().get(i)).asInt(),
                        "token " + i + " of " + quoted(prompt));
            }
            assertEquals(tokenizer.endTokenId(), ids.get(kept + 1).asInt(), "end token after the kept tokens");
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
