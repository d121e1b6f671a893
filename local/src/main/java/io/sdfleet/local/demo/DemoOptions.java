package io.sdfleet.local.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one demo run does. Every option has a named default; {@link DemoCommandLine} reads them from the
 * command line and checks their ranges, the constructor only guards against nonsense from code.
 *
 * @param prompts     prompts, used in turn (job i gets prompt i mod size); never empty
 * @param count       number of jobs to submit
 * @param width       image width in pixels
 * @param height      image height in pixels
 * @param steps       denoising steps per image
 * @param seed        seed of the first job (job i gets seed + i); null lets the producer pick random seeds
 * @param outDir      folder the images are downloaded to ({@code <outDir>/<jobId>/<index>.png})
 * @param modelDir    model folder; null: {@code SDFLEET_MODEL_DIR}, else {@code models/tiny-sd} found from
 *                    the working directory upwards
 * @param timeout     longest wait for all completions after the jobs were sent
 * @param keepRunning leave the stack and the worker running after the report, until Ctrl-C
 * @param verbose     show the worker's and the stack's INFO log lines (only honoured by {@code main})
 */
public record DemoOptions(List<String> prompts, int count, int width, int height, int steps, Long seed,
                          Path outDir, Path modelDir, Duration timeout, boolean keepRunning, boolean verbose) {

    /** Every job SUCCEEDED and every image was downloaded and matched its sha256. */
    public static final int EXIT_OK = 0;
    /** The demo ran, but some job did not succeed, did not complete in time, or an image could not be fetched. */
    public static final int EXIT_JOBS_FAILED = 1;
    /** Bad command line. */
    public static final int EXIT_USAGE = 2;
    /** The stack, the model or the worker could not be started. */
    public static final int EXIT_START = 3;
    /** Stopped by Ctrl-C before the jobs were done. */
    public static final int EXIT_INTERRUPTED = 130;

    /** Prompts of the default run: four different subjects, so the four images differ at a glance. */
    public static final List<String> DEFAULT_PROMPTS = List.of(
            "a lighthouse on a cliff at dusk, oil painting",
            "a red fox sitting in fresh snow, photograph",
            "a futuristic city skyline at night, neon lights",
            "a bowl of ramen on a wooden table, studio lighting");
    /**
     * Default image size. 256x256 (32x32 latents) keeps four jobs at {@link #DEFAULT_STEPS} steps to a few
     * seconds on a 2-core laptop with the tiny model; with a real model use 512x512.
     */
    public static final int DEFAULT_WIDTH = 256;
    public static final int DEFAULT_HEIGHT = 256;
    /** Default denoising steps: enough for every scheduler to run its full schedule shape. */
    public static final int DEFAULT_STEPS = 20;
    public static final Path DEFAULT_OUT_DIR = Path.of("sdfleet-out");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** Most jobs one demo run submits (each is printed). */
    public static final int MAX_COUNT = 64;

    public DemoOptions {
        prompts = List.copyOf(prompts);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt is needed");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The default run: the four default prompts, one job each. */
    public static DemoOptions defaults() {
        return new DemoOptions(DEFAULT_PROMPTS, DEFAULT_PROMPTS.size(), DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_STEPS,
                null, DEFAULT_OUT_DIR, null, DEFAULT_TIMEOUT, false, false);
    }
}
