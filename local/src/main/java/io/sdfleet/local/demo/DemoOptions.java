package io.sdfleet.local.demo;

import io.sdfleet.common.JobRequestLimits;
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
 * @param guidance    classifier-free guidance scale of every job; null: the model's ({@link #guidanceFor})
 * @param seed        seed of the first job (job i gets seed + i); null lets the producer pick random seeds
 * @param outDir      folder the images are downloaded to ({@code <outDir>/<jobId>/<index>.png})
 * @param modelDir    model folder; null: {@code SDFLEET_MODEL_DIR}, else {@value ModelLocator#BUNDLED_MODEL}
 *                    found from the working directory upwards
 * @param timeout     longest wait for all completions after the jobs were sent
 * @param keepRunning leave the stack and the worker running after the report, until Ctrl-C
 * @param verbose     show the worker's and the stack's INFO log lines (only honoured by {@code main})
 */
public record DemoOptions(List<String> prompts, int count, int width, int height, int steps, Double guidance,
                          Long seed, Path outDir, Path modelDir, Duration timeout, boolean keepRunning, boolean verbose) {

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

    /**
     * Prompts of the default run: words the bundled trained model ({@value ModelLocator#BUNDLED_MODEL}) knows, in
     * several of its caption phrasings, eight so that each scheduler of {@link DemoJobs#SCHEDULER_ORDER} draws one.
     * Each combination of shape, colour and background was in its training data (TRAINING.md lists the ones held
     * out).
     */
    public static final List<String> DEFAULT_PROMPTS = List.of(
            "a red circle on a blue background",
            "a yellow square on a purple background",
            "blue background with a small white triangle at the top left",
            "a large green circle in the center on a black background",
            "a small orange circle at the bottom right on a white background",
            "a black triangle on a yellow background",
            "a purple square on a green background",
            "a red triangle on a white background");
    /**
     * Default image size: the trained model's own 64x64 (8x8 latents); it has never seen another size. For a real
     * model use 512x512.
     */
    public static final int DEFAULT_WIDTH = 64;
    public static final int DEFAULT_HEIGHT = 64;
    /** Default denoising steps: enough for every scheduler to run its full schedule shape. */
    public static final int DEFAULT_STEPS = 25;
    /**
     * Guidance for a model trained by tools/train_tiny_model.py when none is given, lower than SD's usual 7.5.
     * The demo draws one picture with each scheduler, and at 7.5 the two four-step multistep ones (PNDM, LMS)
     * overshoot on the bundled trained model at 25 steps and draw the wrong colours most of the time; at 3 every
     * scheduler draws the prompt's colours (its TrainedModelEndToEndTest measures both). Other models get
     * {@link JobRequestLimits#DEFAULT_GUIDANCE_SCALE}.
     */
    public static final double TOY_MODEL_GUIDANCE = 3.0;

    /** The guidance of every job: the option's, else the model's default. */
    public double guidanceFor(ModelLocator.Location model) {
        return guidance != null ? guidance
                : model.trainedToy() ? TOY_MODEL_GUIDANCE : JobRequestLimits.DEFAULT_GUIDANCE_SCALE;
    }

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

    /** The default run: the default prompts, one job each. */
    public static DemoOptions defaults() {
        return new DemoOptions(DEFAULT_PROMPTS, DEFAULT_PROMPTS.size(), DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_STEPS,
                null, null, DEFAULT_OUT_DIR, null, DEFAULT_TIMEOUT, false, false);
    }
}
