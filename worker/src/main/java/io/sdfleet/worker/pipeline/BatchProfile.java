package io.sdfleet.worker.pipeline;

/**
 * Where the time of one {@link StableDiffusionPipeline#run} call went, for benchmarks and logs.
 *
 * @param images images made in the call
 * @param steps scheduler steps per trajectory (PNDM runs one more UNet call than requested steps)
 * @param unetCalls UNet calls made (steps per chunk, summed over chunks)
 * @param tokenize the tokenizer (all Java)
 * @param encode the text encoder call plus assembling the embedding table
 * @param denoise all denoising steps: UNet calls (runtime) and scheduler, guidance, RNG, copies (Java)
 * @param decode VAE calls (runtime) and latent scaling plus pixel conversion (Java)
 */
public record BatchProfile(int images, int steps, int unetCalls, StageTime tokenize, StageTime encode,
                           StageTime denoise, StageTime decode) {

    /** No work done (an empty batch, or every job failed before the models ran). */
    public static final BatchProfile EMPTY =
            new BatchProfile(0, 0, 0, StageTime.ZERO, StageTime.ZERO, StageTime.ZERO, StageTime.ZERO);

    /** Wall time of all stages. */
    public long totalNanos() {
        return tokenize.totalNanos() + encode.totalNanos() + denoise.totalNanos() + decode.totalNanos();
    }
}
