package io.sdfleet.local.demo;

import io.sdfleet.common.JobRequestLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@code ./sdfleet demo}: {@link DemoOptions} from arguments, each option defaulted
 * as {@link DemoOptions#defaults()} says. Every problem is reported at once, naming the option and the
 * value. Stateless.
 */
public final class DemoCommandLine {

    public static final String PROMPTS = "--prompts";
    public static final String COUNT = "--count";
    public static final String SIZE = "--size";
    public static final String STEPS = "--steps";
    public static final String GUIDANCE = "--guidance";
    public static final String SEED = "--seed";
    public static final String OUT = "--out";
    public static final String MODEL_DIR = "--model-dir";
    public static final String TIMEOUT = "--timeout";
    public static final String KEEP_RUNNING = "--keep-running";
    public static final String VERBOSE = "--verbose";
    public static final String HELP = "--help";

    private static final List<String> WITH_VALUE = List.of(PROMPTS, COUNT, SIZE, STEPS, GUIDANCE, SEED, OUT, MODEL_DIR, TIMEOUT);
    private static final List<String> FLAGS = List.of(KEEP_RUNNING, VERBOSE);
    private static final Pattern SIZE_TEXT = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})");

    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: sdfleet demo [options]",
            "",
            "Starts Kafka and an S3 server in this process, runs one worker on the trained toy model, submits a",
            "few prompts, waits for the images, downloads them and puts them on one contact sheet",
            "(DIR/" + ContactSheet.FILE_NAME + "). Needs nothing else running.",
            "",
            "  --prompts \"A;B;C\"   prompts separated by ';' (default: " + DemoOptions.DEFAULT_PROMPTS.size()
                    + " built-in prompts the toy model knows)",
            "  --count N           jobs to submit, prompts and schedulers used in turn (default: one per prompt;",
            "                      at most " + DemoOptions.MAX_COUNT + ")",
            "  --size WxH          image size, multiples of " + JobRequestLimits.SIZE_MULTIPLE + " in ["
                    + JobRequestLimits.MIN_SIZE + ", " + JobRequestLimits.MAX_SIZE + "] (default "
                    + DemoOptions.DEFAULT_WIDTH + "x" + DemoOptions.DEFAULT_HEIGHT + ")",
            "  --steps N           denoising steps (default " + DemoOptions.DEFAULT_STEPS + ")",
            "  --guidance G        guidance scale in [" + JobRequestLimits.MIN_GUIDANCE_SCALE + ", "
                    + JobRequestLimits.MAX_GUIDANCE_SCALE + "] (default " + DemoOptions.TOY_MODEL_GUIDANCE
                    + " for the trained toy model, " + JobRequestLimits.DEFAULT_GUIDANCE_SCALE + " for others)",
            "  --seed N            seed of the first job, job i gets N+i (default: random seeds)",
            "  --out DIR           where the images are saved as DIR/<jobId>/<index>.png (default "
                    + DemoOptions.DEFAULT_OUT_DIR + ")",
            "  --model-dir DIR     model folder (default $SDFLEET_MODEL_DIR, else " + ModelLocator.BUNDLED_MODEL
                    + " of the repository;",
            "                      " + ModelLocator.RANDOM_MODEL + " is the random-weight one)",
            "  --timeout SECONDS   longest wait for the images (default " + DemoOptions.DEFAULT_TIMEOUT.toSeconds() + ")",
            "  --keep-running      leave Kafka, S3 and the worker running afterwards and print their coordinates;",
            "                      Ctrl-C stops them",
            "  --verbose           show the worker's and the servers' log lines",
            "",
            "With SDFLEET_BOOTSTRAP_SERVERS and SDFLEET_S3_ENDPOINT set (plus SDFLEET_S3_ACCESS_KEY,",
            "SDFLEET_S3_SECRET_KEY, SDFLEET_KAFKA_* as a worker reads them), no embedded stack is started: the",
            "demo's worker and jobs use that Kafka and S3, on topics sdfleet-demo.* unless SDFLEET_TOPIC_* say",
            "otherwise. SDFLEET_MODEL_DIR points at another model (diffusers' ONNX layout).",
            "",
            "Exit status: 0 every job succeeded and its images were downloaded; 1 some did not; 2 bad options;",
            "3 the stack, the model or the worker did not start; 130 stopped by Ctrl-C.");

    /** The command line did not make sense; the message names every bad option. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private DemoCommandLine() {
    }

    public static boolean wantsHelp(List<String> args) {
        return args.contains(HELP) || args.contains("-h");
    }

    /**
     * @throws UsageException naming every unknown option and bad value
     */
    public static DemoOptions parse(List<String> args) throws UsageException {
        DemoOptions d = DemoOptions.defaults();
        List<String> problems = new ArrayList<>();
        List<String> prompts = d.prompts();
        Integer count = null;
        int width = d.width();
        int height = d.height();
        int steps = d.steps();
        Double guidance = d.guidance();
        Long seed = d.seed();
        Path out = d.outDir();
        Path modelDir = d.modelDir();
        Duration timeout = d.timeout();
        boolean keepRunning = d.keepRunning();
        boolean verbose = d.verbose();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (FLAGS.contains(name)) {
                keepRunning |= KEEP_RUNNING.equals(name);
                verbose |= VERBOSE.equals(name);
                continue;
            }
            if (!WITH_VALUE.contains(name)) {
                problems.add("unknown option '" + name + "'");
                continue;
            }
            if (i + 1 >= args.size()) {
                problems.add(name + " needs a value");
                continue;
            }
            String value = args.get(++i);
            switch (name) {
                case PROMPTS -> prompts = prompts(value, problems);
                case COUNT -> count = integer(name, value, 1, DemoOptions.MAX_COUNT, problems);
                case SIZE -> {
                    int[] size = size(value, problems);
                    width = size[0];
                    height = size[1];
                }
                case STEPS -> steps = integer(name, value, JobRequestLimits.MIN_STEPS, JobRequestLimits.MAX_STEPS,
                        problems);
                case GUIDANCE -> guidance = guidance(value, problems);
                case SEED -> seed = seed(value, problems);
                case OUT -> out = Path.of(value);
                case MODEL_DIR -> modelDir = Path.of(value);
                case TIMEOUT -> timeout = Duration.ofSeconds(integer(name, value, 1, 86_400, problems));
                default -> throw new IllegalStateException(name);
            }
        }
        int jobs = count == null ? prompts.size() : count;
        if (seed != null && seed + jobs - 1 > JobRequestLimits.MAX_SEED) {
            problems.add(SEED + " " + seed + " with " + jobs + " jobs goes past the largest seed "
                    + JobRequestLimits.MAX_SEED);
        }
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("; ", problems));
        }
        return new DemoOptions(prompts, jobs, width, height, steps, guidance, seed, out, modelDir, timeout, keepRunning,
                verbose);
    }

    private static List<String> prompts(String value, List<String> problems) {
        List<String> prompts = Arrays.stream(value.split(";")).map(String::strip).filter(p -> !p.isEmpty()).toList();
        if (prompts.isEmpty()) {
            problems.add(PROMPTS + " has no prompt in '" + value + "' (separate prompts with ';')");
            return DemoOptions.DEFAULT_PROMPTS;
        }
        for (String p : prompts) {
            if (p.codePointCount(0, p.length()) > JobRequestLimits.MAX_PROMPT_CHARS) {
                problems.add(PROMPTS + ": a prompt is longer than " + JobRequestLimits.MAX_PROMPT_CHARS + " characters");
            }
        }
        return prompts;
    }

    private static int[] size(String value, List<String> problems) {
        Matcher m = SIZE_TEXT.matcher(value.strip());
        if (!m.matches()) {
            problems.add(SIZE + " must look like 256x256, was '" + value + "'");
            return new int[] {DemoOptions.DEFAULT_WIDTH, DemoOptions.DEFAULT_HEIGHT};
        }
        int[] size = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
        for (int side : size) {
            if (side < JobRequestLimits.MIN_SIZE || side > JobRequestLimits.MAX_SIZE
                    || side % JobRequestLimits.SIZE_MULTIPLE != 0) {
                problems.add(SIZE + " sides must be multiples of " + JobRequestLimits.SIZE_MULTIPLE + " in ["
                        + JobRequestLimits.MIN_SIZE + ", " + JobRequestLimits.MAX_SIZE + "], was '" + value + "'");
                break;
            }
        }
        return size;
    }

    private static int integer(String name, String value, int min, int max, List<String> problems) {
        try {
            int v = Integer.parseInt(value.strip());
            if (v < min || v > max) {
                problems.add(name + " must be in [" + min + ", " + max + "], was " + v);
                return min;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, was '" + value + "'");
            return min;
        }
    }

    private static Double guidance(String value, List<String> problems) {
        try {
            double v = Double.parseDouble(value.strip());
            if (!(v >= JobRequestLimits.MIN_GUIDANCE_SCALE && v <= JobRequestLimits.MAX_GUIDANCE_SCALE)) {
                problems.add(GUIDANCE + " must be in [" + JobRequestLimits.MIN_GUIDANCE_SCALE + ", "
                        + JobRequestLimits.MAX_GUIDANCE_SCALE + "], was " + value.strip());
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(GUIDANCE + " must be a number, was '" + value + "'");
            return null;
        }
    }

    private static Long seed(String value, List<String> problems) {
        try {
            long v = Long.parseLong(value.strip());
            if (v < JobRequestLimits.MIN_SEED || v > JobRequestLimits.MAX_SEED) {
                problems.add(SEED + " must be in [" + JobRequestLimits.MIN_SEED + ", " + JobRequestLimits.MAX_SEED
                        + "], was " + v);
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(SEED + " must be a whole number, was '" + value + "'");
            return null;
        }
    }
}
