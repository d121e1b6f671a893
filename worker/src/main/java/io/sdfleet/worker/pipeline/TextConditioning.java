package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
import io.sdfleet.worker.runtime.TextEncoderRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The text stage: prompts to token ids (per job) and ids to embeddings (per batch).
 *
 * <p>As diffusers' {@code encode_prompt}: the prompt and the negative prompt are each tokenized to 77 ids,
 * padded with the model's pad token (the end token for SD 1.x, "!" for SD 2.x) and truncated after 75 content
 * tokens (with SD 1.x the empty negative prompt becomes {@code [49406, 49407 x 76]}), and encoded by the text encoder's {@code last_hidden_state}. Identical id
 * rows within a batch are encoded once: the encoder's output for a row depends on that row alone (checked by
 * the batch-independence tests), so the cache changes no value. All distinct rows of the jobs admitted
 * together go to the encoder in one call.
 *
 * <p>Threads: the device thread. Failures: a prompt the tokenizer cannot handle throws from
 * {@link #tokenize} (the caller fails that job alone); an encoder failure is a {@link RuntimeCallFailure}.
 */
final class TextConditioning {
    private final Function<String, Tokenization> tokenizer;
    private final TextEncoderRuntime encoder;
    private final RuntimeCalls calls;

    TextConditioning(ClipTokenizer tokenizer, TextEncoderRuntime encoder, RuntimeCalls calls) {
        this(tokenizer::tokenize, encoder, calls);
    }

    /** With any prompt-to-ids function in place of a {@link ClipTokenizer} (tests inject tokenizer failures). */
    TextConditioning(Function<String, Tokenization> tokenizer, TextEncoderRuntime encoder, RuntimeCalls calls) {
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.calls = calls;
    }

    /** Tokenizes one job's prompt, and its negative prompt when the job is guided. */
    JobPrompts tokenize(JobRequest job) {
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>(2);
        Tokenization prompt = tokenizer.apply(job.prompt());
        truncationWarning("prompt", prompt).ifPresent(warnings::add);
        int[] uncondIds = null;
        if (ImageItems.isGuided(job.guidanceScale())) {
            Tokenization negative = tokenizer.apply(job.negativePrompt() == null ? "" : job.negativePrompt());
            truncationWarning("negative prompt", negative).ifPresent(warnings::add);
            uncondIds = negative.inputIds();
        }
        return new JobPrompts(prompt.inputIds(), uncondIds, warnings, System.nanoTime() - start);
    }

    /** "prompt truncated: X of Y tokens cut: '...'" when the text did not fit in 77 ids. */
    static Optional<String> truncationWarning(String what, Tokenization tokens) {
        if (!tokens.truncated()) {
            return Optional.empty();
        }
        return Optional.of(what + " truncated: " + tokens.truncatedTokens() + " of " + tokens.tokenCount()
                + " tokens cut: '" + tokens.truncatedText() + "'");
    }

    /**
     * Encodes the distinct id rows of {@code jobs} in one encoder call.
     *
     * @param rowOfCond filled with each job's prompt row
     * @param rowOfUncond filled with each job's negative prompt row, -1 for unguided jobs
     */
    PromptEmbeddings encode(List<JobPrompts> jobs, int[] rowOfCond, int[] rowOfUncond) throws RuntimeCallFailure {
        Map<IdRow, Integer> rows = new LinkedHashMap<>();
        for (int j = 0; j < jobs.size(); j++) {
            JobPrompts prompts = jobs.get(j);
            rowOfCond[j] = rows.computeIfAbsent(new IdRow(prompts.condIds()), k -> rows.size());
            rowOfUncond[j] = prompts.guided()
                    ? rows.computeIfAbsent(new IdRow(prompts.uncondIds()), k -> rows.size()) : -1;
        }
        int[][] ids = rows.keySet().stream().map(IdRow::ids).toArray(int[][]::new);
        // Runtime call: ids are always 77 valid vocabulary ids, so a failure here is most likely the encoder's;
        // still it is only classified here (RuntimeCallFailure): the device stage's fault policy attributes it.
        float[] table = calls.call("text encoder (" + ids.length + " prompts)", () -> encoder.encode(ids));
        return new PromptEmbeddings(table, ids.length, encoder.hiddenSize());
    }

    /** A row of token ids as a map key (arrays compare by identity). */
    private record IdRow(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdRow other && Arrays.equals(ids, other.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return Arrays.toString(ids);
        }
    }
}
