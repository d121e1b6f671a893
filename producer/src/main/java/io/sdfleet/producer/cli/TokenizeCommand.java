package io.sdfleet.producer.cli;

import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code sdfleet tokenize}: shows how the bundled CLIP tokenizer (the one the workers use) splits a
 * prompt, and whether it is cut at the text encoder's 77-token limit. Needs no Kafka.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Show the CLIP token ids and tokens of a prompt, and how much of it would be cut."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "2:usage error"})
final class TokenizeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PROMPT", description = "The prompt.")
    String prompt;

    @Option(names = "--json", description = "Print one JSON object: inputIds, tokens, tokenCount, truncatedTokens, truncatedText.")
    boolean json;

    private final CliContext context;

    TokenizeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Tokenization t = ClipTokenizer.bundled().tokenize(prompt);
        if (json) {
            context.out().println(JsonText.mapper().writeValueAsString(new TokenizationJson(t.inputIds(),
                    t.tokens(), t.tokenCount(), t.truncatedTokens(), t.truncatedText())));
            return ExitCodes.OK;
        }
        context.out().println("tokens: " + t.tokenCount() + " (the text encoder takes "
                + ClipTokenizer.MAX_CONTENT_TOKENS + ")");
        if (t.truncated()) {
            context.out().println("truncated: " + t.truncatedTokens() + " of " + t.tokenCount()
                    + " tokens cut: \"" + t.truncatedText() + "\"");
        } else {
            context.out().println("truncated: no");
        }
        context.out().println("ids: " + Arrays.stream(t.inputIds()).mapToObj(Integer::toString)
                .collect(Collectors.joining(" ")));
        context.out().println("kept: " + String.join(" ", t.tokens()));
        return ExitCodes.OK;
    }

    /** The JSON layout of {@code --json}. */
    record TokenizationJson(int[] inputIds, List<String> tokens, int tokenCount, int truncatedTokens,
            String truncatedText) {
    }
}
