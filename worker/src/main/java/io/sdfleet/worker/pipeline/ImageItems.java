package io.sdfleet.worker.pipeline;

/**
 * How many UNet items one image needs at each step: two with classifier-free guidance (unconditional and
 * conditional), one without. diffusers' rule: guidance runs only for a scale above 1
 * ({@code do_classifier_free_guidance = guidance_scale > 1}); at or below 1 the negative prompt is unused.
 * Image i of a job draws from its own generator seeded {@code (seed + i) mod 2^32} ({@link #imageSeed}).
 */
public final class ImageItems {
    /** Seeds live in [0, 2^32): what torch's generator takes from a seed. */
    public static final long SEED_MASK = 0xFFFF_FFFFL;

    private ImageItems() {
    }

    /** diffusers' rule: guidance runs only for a scale above 1. */
    public static boolean isGuided(double guidanceScale) {
        return guidanceScale > 1.0;
    }

    /** UNet items per image and step: 2 when guided, else 1. */
    public static int itemsPerImage(double guidanceScale) {
        return isGuided(guidanceScale) ? 2 : 1;
    }

    /**
     * The seed of image {@code index} of a job with seed {@code jobSeed}: {@code (jobSeed + index) mod 2^32}.
     * The contract caps a job's seed at 2^32-1 and numImages at 8, so only a seed within 7 of the top wraps;
     * wrapping keeps the reported seed inside the contract's range (a new request with it is valid and makes
     * the same image) and changes no pixel, because torch's generator seeds its mt19937 with the low 32 bits.
     */
    public static long imageSeed(long jobSeed, int index) {
        return (jobSeed + index) & SEED_MASK;
    }
}
