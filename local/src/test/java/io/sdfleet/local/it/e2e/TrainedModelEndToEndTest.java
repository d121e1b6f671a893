package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.demo.ModelLocator;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What only a trained model makes testable, through the whole fleet (producer, embedded Kafka, a worker with
 * the real pipeline on ONNX Runtime, embedded S3): the prompt reaches the picture, classifier-free guidance and
 * negative prompts do what they are for, and the schedulers solve the same problem (that one holds on random
 * weights too: it tests the solvers, on pictures a person can compare). The model is the
 * repository's trained toy model ({@value ModelLocator#BUNDLED_MODEL}); pictures are measured with
 * {@link ShapePicture} (nearest palette colour per pixel, as its training script evaluates).
 *
 * <p>One worker serves every test of the class, with large UNet calls (the pictures are 64x64, 8x8 latents) so
 * that the few hundred pictures take seconds; each test submits all its jobs at once and then waits.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainedModelEndToEndTest {

    static final int SIZE = 64;
    /** Seeds per prompt and scheduler in the conditioning test: each job makes this many pictures (seed + i). */
    static final int SEEDS = 10;
    /** Pictures per job at most (the contract's limit is 8): a prompt's ten seeds are two jobs of five. */
    static final int IMAGES_PER_JOB = 5;
    /**
     * Guidance of the conditioning test, where it asks the 90 % of every scheduler. Lower than SD's usual
     * 7.5 because of the two four-step multistep schedulers: at 7.5 PNDM and LMS overshoot at 25 steps on this
     * model (its guided noise predictions change faster from step to step than their formulas can follow; at 50
     * steps they agree with DDIM, see the last test), while DDIM, Euler, Euler ancestral, DPM++ 2M and UniPC stay
     * at 90 % or more. Measured on the second trained model, 25 steps, foreground right of 80 pictures:
     * guidance 3: PNDM 79, LMS 80, the others 80; guidance 5: PNDM 53, LMS 67, UniPC 78, the others 80;
     * guidance 7.5: PNDM 27, LMS 38, UniPC 73, Euler ancestral 77, DPM++ 2M 79, the others 80.
     */
    static final double CONDITIONING_GUIDANCE = 3.0;
    /** Share of a scheduler's pictures whose foreground must be the named colour at {@link #CONDITIONING_GUIDANCE}. */
    static final double REQUIRED_ADHERENCE = 0.9;
    /**
     * The same at guidance 7.5, per scheduler: what the model reaches there, less a margin (a random-weight model
     * scores about 1 in 7): 90 % but for UniPC and the two that overshoot, whose bars only guard against a
     * regression.
     */
    static final Map<SchedulerName, Double> REQUIRED_ADHERENCE_AT_7_5 = requiredAdherenceAt75();

    private static Map<SchedulerName, Double> requiredAdherenceAt75() {
        Map<SchedulerName, Double> bars = new EnumMap<>(SchedulerName.class);
        for (SchedulerName s : SchedulerName.values()) {
            bars.put(s, switch (s) {
                case PNDM -> 0.25;
                case LMS -> 0.35;
                case UNIPC -> 0.8;
                default -> REQUIRED_ADHERENCE;
            });
        }
        return bars;
    }
    /** Upper bound for one test's pictures (some hundred) on a busy 2-core machine. */
    static final Duration WAIT = Duration.ofMinutes(5);
    /**
     * (colour, shape, background) of the conditioning test, each run with every scheduler; every colour is a
     * foreground once; all combinations the model saw in training (its TRAINING.md lists the held-out ones).
     */
    static final List<String[]> CONDITIONING = List.of(
            new String[] {"red", "circle", "blue"},
            new String[] {"orange", "triangle", "purple"},
            new String[] {"yellow", "square", "black"},
            new String[] {"green", "triangle", "white"},
            new String[] {"blue", "circle", "yellow"},
            new String[] {"purple", "square", "green"},
            new String[] {"white", "circle", "red"},
            new String[] {"black", "circle", "green"});

    private FleetScenario scenario;
    private ShapePicture.Palette palette;

    @BeforeAll
    void startWorker(LocalStack stack) throws Exception {
        // -Dsdfleet.trainedTest.model=models/tiny-sd runs the class on random weights: the control, which must fail
        scenario = new FleetScenario(stack, "e2e-trained", System.getProperty("sdfleet.trainedTest.model",
                ModelLocator.BUNDLED_MODEL));
        palette = ShapePicture.Palette.of(ModelLocator.inRepository(ModelLocator.BUNDLED_MODEL, Path.of("")));
        scenario.startWorker("w1", Map.of("SDFLEET_BATCH_MAX_IMAGES", "32"));
    }

    @AfterAll
    void stop() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void theNamedColourIsTheForegroundForEveryScheduler() throws Exception {
        Map<SchedulerName, Double> bars = new EnumMap<>(SchedulerName.class);
        for (SchedulerName s : SchedulerName.values()) {
            bars.put(s, REQUIRED_ADHERENCE);
        }
        conditioning(CONDITIONING_GUIDANCE, bars);
    }

    @Test
    void atGuidanceSevenAndAHalfAllButTheFourStepMultistepSchedulersFollowThePrompt() throws Exception {
        conditioning(7.5, REQUIRED_ADHERENCE_AT_7_5);
    }

    /** Every conditioning prompt, {@link #SEEDS} seeds, every scheduler, 25 steps: the foreground share per scheduler. */
    private void conditioning(double guidance, Map<SchedulerName, Double> bars) throws Exception {
        List<JobRequest> jobs = new ArrayList<>();
        for (SchedulerName s : SchedulerName.values()) {
            for (String[] c : CONDITIONING) {
                for (int j = 0; j < SEEDS / IMAGES_PER_JOB; j++) {
                    jobs.add(job(prompt(c)).scheduler(s).steps(25).guidanceScale(guidance)
                            .seed(100L + j * IMAGES_PER_JOB).numImages(IMAGES_PER_JOB).build());
                }
            }
        }
        List<List<BufferedImage>> pictures = run(jobs);

        // per scheduler: foreground, background, shape right, pictures; and the same per prompt
        Map<SchedulerName, int[]> bySchedulers = new EnumMap<>(SchedulerName.class);
        Map<String, int[]> byPrompt = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            JobRequest job = jobs.get(i);
            String[] c = triple(job.prompt());
            for (BufferedImage picture : pictures.get(i)) {
                ShapePicture p = ShapePicture.measure(picture, palette);
                for (int[] r : List.of(bySchedulers.computeIfAbsent(job.scheduler(), s -> new int[4]),
                        byPrompt.computeIfAbsent(prompt(c), s -> new int[4]))) {
                    r[0] += c[0].equals(p.foreground()) ? 1 : 0;
                    r[1] += p.background().equals(c[2]) ? 1 : 0;
                    r[2] += c[1].equals(p.shape()) ? 1 : 0;
                    r[3]++;
                }
            }
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "e2e trained model, 25 steps, guidance %s,"
                + " %d prompts x %d seeds per scheduler: foreground / background / shape right%n", guidance,
                CONDITIONING.size(), SEEDS));
        bySchedulers.forEach((s, r) -> table.append(row(s.wireName(), r)));
        table.append("  per prompt, over every scheduler:\n");
        byPrompt.forEach((prompt, r) -> table.append(row(prompt, r)));
        System.out.print(table);
        bySchedulers.forEach((s, r) -> assertTrue(r[0] >= Math.ceil(bars.get(s) * r[3]),
                () -> s.wireName() + ": the named colour is the foreground in " + r[0] + " of " + r[3] + "\n" + table));
    }

    private static String row(String name, int[] r) {
        return String.format(Locale.ROOT, "  %-58s %3d/%d %3d/%d %3d/%d%n", name, r[0], r[3], r[1], r[3], r[2], r[3]);
    }

    @Test
    void guidanceMakesThePicturesFollowThePrompt() throws Exception {
        List<String[]> prompts = List.of(CONDITIONING.get(0), CONDITIONING.get(5));
        List<JobRequest> jobs = new ArrayList<>();
        for (double guidance : new double[] {1.0, 7.5}) {
            for (String[] c : prompts) {
                jobs.add(job(prompt(c)).guidanceScale(guidance).numImages(IMAGES_PER_JOB).seed(300L).build());
                jobs.add(job(prompt(c)).guidanceScale(guidance).numImages(IMAGES_PER_JOB).seed(305L).build());
            }
        }
        List<List<BufferedImage>> pictures = run(jobs);

        Map<Double, double[]> adherence = new LinkedHashMap<>(); // prompt pixels, pictures right, pictures
        for (int i = 0; i < jobs.size(); i++) {
            String[] c = triple(jobs.get(i).prompt());
            double[] a = adherence.computeIfAbsent(jobs.get(i).guidanceScale(), g -> new double[3]);
            for (BufferedImage picture : pictures.get(i)) {
                ShapePicture p = ShapePicture.measure(picture, palette, c[0], c[2]);
                a[0] += p.promptPixels();
                a[1] += c[0].equals(p.foreground()) && p.background().equals(c[2]) && c[1].equals(p.shape()) ? 1 : 0;
                a[2]++;
            }
        }
        double[] low = adherence.get(1.0);
        double[] high = adherence.get(7.5);
        String report = String.format(Locale.ROOT, "e2e trained model, guidance 1.0 vs 7.5 on the same %d seeds: "
                + "pixels in the prompt's colours %.3f vs %.3f; pictures with colour, background and shape right "
                + "%.0f vs %.0f of %.0f", (int) low[2], low[0] / low[2], high[0] / high[2], low[1], high[1], high[2]);
        System.out.println(report);
        // Adherence is the pictures with colour, background and shape right (9 vs 15 of 20 on the second trained
        // model). The share of pixels in the prompt's colours is reported only: this model gets the colours
        // right without guidance too, and that share was even a little lower at 7.5 (0.979 at 1.0, 0.973 at
        // 7.5); guidance mostly makes it draw the prompt's shape.
        assertTrue(high[1] >= low[1] + 4, report);
    }

    @Test
    void aNegativePromptNamingTheBackgroundColourChangesIt() throws Exception {
        String prompt = "a red circle"; // no background named: the model picks one
        int seeds = 40;
        List<JobRequest> plain = new ArrayList<>();
        for (long seed = 500; seed < 500 + seeds; seed += IMAGES_PER_JOB) {
            plain.add(job(prompt).numImages(IMAGES_PER_JOB).seed(seed).build());
        }
        List<ShapePicture> without = measured(run(plain));
        // the background these seeds show most, named in a negative prompt on the same seeds
        String usual = without.stream().collect(java.util.stream.Collectors.groupingBy(ShapePicture::background,
                java.util.stream.Collectors.counting())).entrySet().stream().max(Map.Entry.comparingByValue())
                .orElseThrow().getKey();
        List<JobRequest> negative = new ArrayList<>();
        for (JobRequest j : plain) {
            negative.add(job(prompt).negativePrompt(usual + " background").numImages(IMAGES_PER_JOB).seed(j.seed())
                    .build());
        }
        List<ShapePicture> with = measured(run(negative));

        long usualWithout = without.stream().filter(p -> p.background().equals(usual)).count();
        long usualWith = with.stream().filter(p -> p.background().equals(usual)).count();
        long redWithout = without.stream().filter(p -> "red".equals(p.foreground())).count();
        long redWith = with.stream().filter(p -> "red".equals(p.foreground())).count();
        String report = String.format(Locale.ROOT, "e2e trained model, \"%s\" on %d seeds: %s backgrounds %d without "
                + "a negative prompt, %d with \"%s background\"; red foreground %d vs %d%n  backgrounds without: %s%n"
                + "  backgrounds with:    %s", prompt, seeds, usual, usualWithout, usualWith, usual, redWithout, redWith,
                without.stream().map(ShapePicture::background).toList(), with.stream().map(ShapePicture::background).toList());
        System.out.println(report);
        // With no background named the model draws several; the one it draws most must be common enough to
        // measure a change (17 of 40 on the second trained model, which spreads them more than the first did).
        assertTrue(usualWithout >= seeds / 4, "too few pictures with the most frequent background: " + report);
        assertTrue(usualWith <= usualWithout / 4, report);
    }

    private List<ShapePicture> measured(List<List<BufferedImage>> pictures) {
        List<ShapePicture> out = new ArrayList<>();
        pictures.forEach(job -> job.forEach(p -> out.add(ShapePicture.measure(p, palette))));
        return out;
    }

    @Test
    void theDeterministicSchedulersAgreeAtFiftySteps() throws Exception {
        // every scheduler but the ancestral one, which adds fresh noise at each step (a new scheduler joins by itself)
        List<SchedulerName> deterministic = new ArrayList<>(EnumSet.complementOf(EnumSet.of(SchedulerName.EULER_ANCESTRAL)));
        deterministic.remove(SchedulerName.DDIM);
        deterministic.add(0, SchedulerName.DDIM); // the reference the others are compared to
        String prompt = prompt(CONDITIONING.get(2));
        int seeds = 5;
        List<JobRequest> jobs = new ArrayList<>();
        for (SchedulerName s : deterministic) {
            jobs.add(job(prompt).scheduler(s).steps(50).seed(700L).numImages(seeds).build());
        }
        List<List<BufferedImage>> pictures = run(jobs);

        // Distance of every scheduler's picture to DDIM's on the same seed; per scheduler its median over the
        // seeds. Not the worst seed: a seed whose trajectory passes near the border between two pictures (the
        // shape drawn or not, one background or another) ends on either side for a small discretisation
        // difference, as any ODE solution near a separatrix does; that is not a solver error.
        double worstMedian = 0;
        int[] far = new int[deterministic.size()]; // per scheduler: seeds farther than MAX_SCHEDULER_DISTANCE
        StringBuilder report = new StringBuilder("e2e trained model, 50 steps, \"" + prompt
                + "\": mean absolute difference to DDIM's picture of the same seed (0..255), and the median\n");
        for (int k = 1; k < deterministic.size(); k++) {
            report.append(String.format(Locale.ROOT, "  %-16s", deterministic.get(k).wireName()));
            double[] d = new double[seeds];
            for (int seed = 0; seed < seeds; seed++) {
                d[seed] = ShapePicture.distance(pictures.get(0).get(seed), pictures.get(k).get(seed));
                far[k] += d[seed] > MAX_SCHEDULER_DISTANCE ? 1 : 0;
                report.append(String.format(Locale.ROOT, " %6.2f", d[seed]));
            }
            Arrays.sort(d);
            worstMedian = Math.max(worstMedian, d[seeds / 2]);
            report.append(String.format(Locale.ROOT, "   median %6.2f%n", d[seeds / 2]));
        }
        double otherSeeds = Double.MAX_VALUE;
        for (int a = 0; a < seeds; a++) {
            for (int b = a + 1; b < seeds; b++) {
                otherSeeds = Math.min(otherSeeds, ShapePicture.distance(pictures.get(0).get(a), pictures.get(0).get(b)));
            }
        }
        report.append(String.format(Locale.ROOT, "  worst median %.2f; closest pair of DDIM pictures of different seeds"
                + " %.2f", worstMedian, otherSeeds));
        System.out.println(report);
        assertTrue(worstMedian <= MAX_SCHEDULER_DISTANCE, report.toString());
        // Measured on the second trained model: seed 700 only, for five of the six (PNDM 10.3, DPM++ 2M 12.7,
        // UniPC 12.8, DPM++ 2M Karras 35.3, LMS 51.8; Euler 1.8); every other seed within 2.5.
        for (int k = 1; k < deterministic.size(); k++) {
            assertTrue(far[k] <= 1, deterministic.get(k).wireName() + ": " + far[k] + " of " + seeds
                    + " seeds end far from DDIM's picture\n" + report);
        }
        assertTrue(worstMedian < otherSeeds / 3, report.toString());
    }

    /**
     * Largest median (over the seeds) of the mean absolute difference (0..255) between two deterministic
     * schedulers' pictures of one seed at 50 steps: they integrate the same probability-flow ODE with different
     * solvers, so they differ by discretisation error, mostly along the shape's edge.
     */
    static final double MAX_SCHEDULER_DISTANCE = 8.0;

    /** The (colour, shape, background) of a conditioning prompt. */
    private static String[] triple(String prompt) {
        return CONDITIONING.stream().filter(c -> prompt(c).equals(prompt)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a conditioning prompt: " + prompt));
    }

    /**
     * The prompt of a (colour, shape, background) in the model's main caption phrasing: "an orange triangle on a
     * purple background".
     */
    private static String prompt(String[] c) {
        return article(c[0]) + " " + c[1] + " on " + article(c[2]) + " background";
    }

    /** The word with its indefinite article, as the training captions have it. */
    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    private static JobRequest.Builder job(String prompt) {
        return JobRequest.builder(prompt).size(SIZE, SIZE).steps(25).scheduler(SchedulerName.DDIM).guidanceScale(7.5);
    }

    /** Submits every job at once, waits for all of them, and returns each job's decoded pictures in order. */
    private List<List<BufferedImage>> run(List<JobRequest> jobs) throws Exception {
        List<JobRequest> sent = scenario.submit(jobs);
        Map<String, Completion> done = scenario.awaitCompletions(sent.stream().map(JobRequest::jobId).toList(), WAIT);
        List<List<BufferedImage>> out = new ArrayList<>();
        for (JobRequest job : sent) {
            Completion c = done.get(job.jobId());
            List<BufferedImage> pictures = new ArrayList<>();
            for (int i = 0; i < job.numImages(); i++) {
                pictures.add(FleetAssertions.decode(scenario.image(c, i)));
            }
            out.add(pictures);
        }
        return out;
    }
}
