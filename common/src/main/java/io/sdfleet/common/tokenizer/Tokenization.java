package io.sdfleet.common.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * The result of tokenizing one prompt.
 *
 * @param inputIds        the {@value ClipTokenizer#MAX_LENGTH} ids fed to the text encoder: start token,
 *                        up to {@value ClipTokenizer#MAX_CONTENT_TOKENS} BPE tokens, end token, then
 *                        padding with the end token (Stable Diffusion 1.x)
 * @param tokens          the BPE tokens kept, in byte-level form (e.g. {@code "horse</w>"}), without
 *                        the start and end tokens
 * @param tokenCount      how many BPE tokens the prompt has before truncation
 * @param truncatedTokens how many BPE tokens were cut off (0 if the prompt fits)
 * @param truncatedText   best-effort text of the cut-off part, for telling the user ("" if none)
 */
public record Tokenization(int[] inputIds, List<String> tokens, int tokenCount, int truncatedTokens,
                           String truncatedText) {

    public Tokenization {
        inputIds = inputIds.clone();
        tokens = List.copyOf(tokens);
    }

    /** A copy of the ids; callers may modify it. */
    @Override
    public int[] inputIds() {
        return inputIds.clone();
    }

    /** True if the prompt was longer than the text encoder takes and its end was dropped. */
    public boolean truncated() {
        return truncatedTokens > 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tokenization that
                && Arrays.equals(inputIds, that.inputIds)
                && tokens.equals(that.tokens)
                && tokenCount == that.tokenCount
                && truncatedTokens == that.truncatedTokens
                && truncatedText.equals(that.truncatedText);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Tokenization[inputIds=" + Arrays.toString(inputIds) + ", tokens=" + tokens
                + ", tokenCount=" + tokenCount + ", truncatedTokens=" + truncatedTokens
                + ", truncatedText=" + truncatedText + "]";
    }
}
