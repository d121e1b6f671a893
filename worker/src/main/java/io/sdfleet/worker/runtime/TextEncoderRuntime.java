package io.sdfleet.worker.runtime;

/**
 * The CLIP text encoder: token ids to per-token hidden states.
 *
 * <p>Threads: one caller at a time (the worker's device thread); implementations are not required to be
 * safe for concurrent calls. Failure: {@link InferenceException} when the runtime fails on a call.
 */
public interface TextEncoderRuntime extends AutoCloseable {
    /** Token positions per prompt in Stable Diffusion 1.x (CLIP's context length). */
    int SEQUENCE_LENGTH = 77;

    /**
     * @param tokenIds {@code [n][77]} ids as the tokenizer makes them (start token, ids, end token, padding)
     * @return {@code last_hidden_state}, row-major {@code [n, 77, hiddenSize()]}
     */
    float[] encode(int[][] tokenIds);

    /** Width D of each token's hidden state (768 for SD 1.x, 32 for the tiny test model). */
    int hiddenSize();

    /** Releases the native session. */
    @Override
    void close();
}
