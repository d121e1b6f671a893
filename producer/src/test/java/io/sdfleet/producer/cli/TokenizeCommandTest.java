package io.sdfleet.producer.cli;

import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command shows what the shared tokenizer computes (the tokenizer itself is tested in common). */
class TokenizeCommandTest {

    @Test
    void printsIdsTokensAndNoTruncationForAShortPrompt() {
        String prompt = "a photograph of an astronaut riding a horse";
        Tokenization expected = ClipTokenizer.bundled().tokenize(prompt);

        CliRun run = CliRun.run(Map.of(), "tokenize", prompt);

        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertTrue(run.out().contains("ids: " + Arrays.stream(expected.inputIds()).mapToObj(Integer::toString)
                .collect(Collectors.joining(" "))), run.toString());
        assertTrue(run.out().contains("kept: " + String.join(" ", expected.tokens())), run.toString());
        assertTrue(run.out().contains("truncated: no"), run.toString());
    }

    @Test
    void reportsHowMuchOfALongPromptIsCut() {
        String prompt = "a very detailed painting of a castle on a hill at sunset, ".repeat(8);
        Tokenization expected = ClipTokenizer.bundled().tokenize(prompt);
        assertTrue(expected.truncated(), "test prompt must be longer than the encoder takes");

        CliRun run = CliRun.run(Map.of(), "tokenize", prompt);

        assertTrue(run.out().contains("truncated: " + expected.truncatedTokens() + " of " + expected.tokenCount()),
                run.toString());
    }

    @Test
    void jsonOutputCarriesTheSameNumbers() throws Exception {
        String prompt = "a cat";
        Tokenization expected = ClipTokenizer.bundled().tokenize(prompt);

        CliRun run = CliRun.run(Map.of(), "tokenize", "--json", prompt);

        var node = JsonText.mapper().readTree(run.out());
        assertEquals(expected.tokenCount(), node.get("tokenCount").asInt());
        assertEquals(expected.inputIds().length, node.get("inputIds").size());
        assertEquals(expected.tokens().get(0), node.get("tokens").get(0).asText());
    }
}
