package io.sdfleet.worker.pipeline;

/**
 * One image to make: which job and index it belongs to, its seed, its guidance scale and which rows of
 * the batch's text-embedding table condition it. Immutable; knows nothing of the rest of its batch.
 *
 * <p>Seeds: image i of a job uses {@code (seed + i) mod 2^32} ({@link #imageSeed}). The contract caps a
 * job's seed at 2^32-1 and numImages at 8, so only a job whose seed is within 7 of the top wraps. Wrapping
 * keeps the reported seed inside the contract's range, so a new request with that seed is valid and makes
 * the same image; and it changes no pixel, because torch's generator (and ours) seeds its mt19937 with the
 * low 32 bits only, i.e. {@code manual_seed(2^32)} draws what {@code manual_seed(0)} draws.
 *
 * @param jobIndex position of the job in the batch's job list
 * @param imageIndex index of the image within its job (0-based)
 * @param seed the seed of this image's own torch-compatible generator
 * @param guidanceScale classifier-free guidance scale; at most 1 means "no guidance" as in diffusers
 * @param condRow row of the prompt's embedding in the text table
 * @param uncondRow row of the negative prompt's embedding, or -1 when the image is not guided
 */
public record ImageTask(int jobIndex, int imageIndex, long seed, double guidanceScale, int condRow, int uncondRow) {

    /** Seeds live in [0, 2^32): what torch's generator takes from a seed. */
    public static final long SEED_MASK = 0xFFFF_FFFFL;

    public ImageTask {
        if (isGuided(guidanceScale) != (uncondRow >= 0)) {
            throw new IllegalArgumentException("an image is guided (scale " + guidanceScale + ") exactly when it has an "
                    + "unconditional row (" + uncondRow + ")");
        }
    }

    /**
     * True when classifier-free guidance applies: diffusers' {@code do_classifier_free_guidance} is
     * {@code guidance_scale > 1}; otherwise the UNet runs on the prompt alone and the negative prompt is unused.
     */
    public boolean guided() {
        return isGuided(guidanceScale);
    }

    /** diffusers' rule: guidance runs only for a scale above 1. */
    public static boolean isGuided(double guidanceScale) {
        return guidanceScale > 1.0;
    }

    /** The seed of image {@code index} of a job with seed {@code jobSeed}: {@code (jobSeed + index) mod 2^32}. */
    public static long imageSeed(long jobSeed, int index) {
        return (jobSeed + index) & SEED_MASK;
    }
}
