package io.sdfleet.common;


/**
 * Every default and range of a {@code sdfleet.job/v1} request, in one place.
 *
 * <p>Why one class: the record's javadoc, the validator, the codec, the README and the producer's CLI help
 * must agree. They all read these constants, so a range changes in one line. The values are part of the
 * wire contract: narrowing a range is a breaking change (a new major schema version); widening one is a
 * minor one.
 */
public final class JobRequestLimits {

    /** Largest record (value bytes) the codec will parse; bigger ones are refused as RECORD_TOO_LARGE. 1 MiB. */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;

    /** Longest prompt, in Unicode code points. The text encoder sees at most 77 tokens anyway. */
    public static final int MAX_PROMPT_CHARS = 4000;
    /** Default negative prompt: none. */
    public static final String DEFAULT_NEGATIVE_PROMPT = "";
    /** Longest negative prompt, in Unicode code points. */
    public static final int MAX_NEGATIVE_PROMPT_CHARS = 4000;

    /** Default image width in pixels. */
    public static final int DEFAULT_WIDTH = 512;
    /** Default image height in pixels. */
    public static final int DEFAULT_HEIGHT = 512;
    /** Smallest width or height in pixels. */
    public static final int MIN_SIZE = 64;
    /** Largest width or height in pixels. */
    public static final int MAX_SIZE = 2048;
    /** Width and height must be multiples of this (the VAE downsamples by 8). */
    public static final int SIZE_MULTIPLE = 8;

    /** Default number of denoising steps. */
    public static final int DEFAULT_STEPS = 30;
    /** Fewest denoising steps. */
    public static final int MIN_STEPS = 1;
    /** Most denoising steps. */
    public static final int MAX_STEPS = 150;

    /** Default classifier-free guidance scale. */
    public static final double DEFAULT_GUIDANCE_SCALE = 7.5;
    /** Smallest guidance scale (0 and 1 mean no guidance). */
    public static final double MIN_GUIDANCE_SCALE = 0.0;
    /** Largest guidance scale. */
    public static final double MAX_GUIDANCE_SCALE = 30.0;

    /** Default scheduler. */
    public static final SchedulerName DEFAULT_SCHEDULER = SchedulerName.PNDM;

    /** Smallest seed. */
    public static final long MIN_SEED = 0L;
    /** Largest seed, 2^32-1: diffusers' and numpy's seed range. */
    public static final long MAX_SEED = 0xFFFF_FFFFL;

    /** Default number of images per job. */
    public static final int DEFAULT_NUM_IMAGES = 1;
    /** Fewest images per job. */
    public static final int MIN_NUM_IMAGES = 1;
    /** Most images per job. */
    public static final int MAX_NUM_IMAGES = 8;

    /** Default priority. */
    public static final int DEFAULT_PRIORITY = 0;
    /** Lowest priority. */
    public static final int MIN_PRIORITY = 0;
    /** Highest priority. */
    public static final int MAX_PRIORITY = 9;

    /** Most metadata entries. */
    public static final int MAX_METADATA_ENTRIES = 32;
    /** Longest metadata key, in code points (at least 1). */
    public static final int MAX_METADATA_KEY_CHARS = 64;
    /** Longest metadata value, in code points (may be empty). */
    public static final int MAX_METADATA_VALUE_CHARS = 1024;

    /** Longest job id (and regenerationOf). */
    public static final int MAX_JOB_ID_CHARS = 128;

    /** Longest model name, in code points (at least 1 when given); null means the worker's default model. */
    public static final int MAX_MODEL_CHARS = 256;

    /** Default strength of a job with a picture: diffusers' default. */
    public static final double DEFAULT_STRENGTH = 0.8;
    /** Smallest strength (the job must still run at least one step: see {@link JobRequest#stepsRun()}). */
    public static final double MIN_STRENGTH = 0.0;
    /** Largest strength: 1 re-draws from pure noise, keeping only the picture's composition through the mask. */
    public static final double MAX_STRENGTH = 1.0;

    /** Longest object key of a picture reference. */
    public static final int MAX_INPUT_KEY_CHARS = 512;

    private JobRequestLimits() {
    }
}
