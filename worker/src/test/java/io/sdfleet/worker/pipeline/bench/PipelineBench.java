package io.sdfleet.worker.pipeline.bench;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.image.A1111Parameters;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobImageParameters;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.runtime.TextEncoderRuntime;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The pipeline on a model folder and runtime (default: the committed tiny model on CPU ONNX Runtime), printed as
 * tables, and the device-time profile that the serving benchmark's simulated device reads:
 * <ol>
 *   <li>model calls alone: the UNet at 1, 2, 4, 8 and 16 items, the text encoder for 1 and 2 prompts, the VAE for
 *       one image, each the median of a few timed calls after a warm-up; the UNet's times are fitted to
 *       {@code fixed + perItem x items} by least squares — the {@link DeviceProfile} of this machine, written
 *       with {@code --profile-out FILE} (run it on a GPU to calibrate the serving benchmark to it);
 *   <li>whole jobs by batch size: images/s, and the share of the time inside model calls (the rest is Java:
 *       scheduler, guidance, RNG, copies);
 *   <li>PNG encoding of one image.
 * </ol>
 * Every job is guided (scale 7.5), so a UNet call holds two items per image, as in production.
 *
 * <p>Run: {@code ./sdfleet bench pipeline [--model DIR] [--size 512] [--steps 4] [--runs 3] [--profile-out FILE]};
 * the runtime follows the worker's environment ({@code SDFLEET_RUNTIME}, {@code SDFLEET_ORT_PROVIDER}, ...).
 */
public final class PipelineBench {
    private static final int[] BATCHES = {1, 2, 4, 8};
    private static final int[] UNET_ITEMS = {1, 2, 4, 8, 16};
    private static final int PNG_RUNS = 20;

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(option(args, "--model", "../models/tiny-sd"));
        int size = Integer.parseInt(option(args, "--size", "512"));
        int steps = Integer.parseInt(option(args, "--steps", "4"));
        int runs = Integer.parseInt(option(args, "--runs", "3"));
        String profileOut = option(args, "--profile-out", null);
        printMachine();
        ModelFolder folder = ModelFolder.load(model);
        io.sdfleet.common.config.ConfigReader reader = new io.sdfleet.common.config.ConfigReader(System.getenv());
        RuntimeSettings runtimeSettings = RuntimeSettings.read(reader);
        reader.throwIfInvalid();
        LatentSize latent = LatentSize.ofImage(size, size);
        System.out.printf("model %s, %dx%d, %d steps (pndm), guidance 7.5, %d timed run(s) after 1 warm-up%n%n",
                model, size, size, steps, runs);

        DeviceProfile profile;
        try (ModelRuntimes runtimes = ModelRuntimes.open(folder, runtimeSettings)) {
            profile = profileCalls(runtimes, latent, runs, folder.name() + "-" + runtimes.unet().identity());
        }
        if (profileOut != null) {
            Files.writeString(Path.of(profileOut), profile.toJson());
            System.out.println("device profile written to " + profileOut);
        }

        PipelineSettings settings = PipelineSettings.defaults().withMaxBatchImages(BATCHES[BATCHES.length - 1]);
        try (StableDiffusionPipeline pipeline = StableDiffusionPipeline.open(folder, runtimeSettings, settings)) {
            System.out.println("\n| images | UNet items | run ms | model calls ms | Java ms | Java % | images/s |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            RgbImage sample = null;
            JobRequest sampleJob = null;
            for (int batch : BATCHES) {
                List<JobRequest> jobs = jobs(batch, size, steps);
                pipeline.generate(jobs);
                long wall = 0;
                long busy = 0;
                for (int r = 0; r < runs; r++) {
                    long busyBefore = pipeline.busyNanos();
                    long start = System.nanoTime();
                    List<JobResult> results = pipeline.generate(jobs);
                    wall += System.nanoTime() - start;
                    busy += pipeline.busyNanos() - busyBefore;
                    sample = results.get(0).images().get(0).image();
                    sampleJob = jobs.get(0);
                }
                double runMs = wall / 1e6 / runs;
                double busyMs = busy / 1e6 / runs;
                System.out.printf("| %d | %d | %.1f | %.1f | %.1f | %.1f%% | %.3f |%n", batch, 2 * batch, runMs, busyMs,
                        runMs - busyMs, 100 * (runMs - busyMs) / runMs, batch * runs / (wall / 1e9));
            }
            benchPng(sample, sampleJob, pipeline.modelName());
        }
    }

    /** Times the model calls alone and fits the profile. */
    private static DeviceProfile profileCalls(ModelRuntimes runtimes, LatentSize latent, int runs, String name) {
        Random random = new Random(1);
        int hidden = runtimes.textEncoder().hiddenSize();
        System.out.println("| call | items | median ms |");
        System.out.println("|---|---:|---:|");
        // a runtime with static engines (TensorRT) serves at most its largest profile's batch at this size
        int most = runtimes.unet().maxBatch(latent.height(), latent.width()).orElse(Integer.MAX_VALUE);
        int[] items = Arrays.stream(UNET_ITEMS).filter(n -> n <= most).toArray();
        double[] unetMs = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            int n = items[i];
            float[] sample = gaussian(random, n * UNetRuntime.LATENT_CHANNELS * latent.area());
            float[] states = gaussian(random, n * TextEncoderRuntime.SEQUENCE_LENGTH * hidden);
            unetMs[i] = median(runs, () -> runtimes.unet().predictNoise(sample, 500f, states, n, latent.height(),
                    latent.width()));
            System.out.printf("| UNet | %d | %.2f |%n", n, unetMs[i]);
        }
        double[] textMs = new double[2];
        for (int prompts = 1; prompts <= 2; prompts++) {
            int[][] ids = new int[prompts][TextEncoderRuntime.SEQUENCE_LENGTH];
            for (int[] row : ids) {
                Arrays.fill(row, 49407);
                row[0] = 49406;
            }
            textMs[prompts - 1] = median(runs, () -> runtimes.textEncoder().encode(ids));
            System.out.printf("| text encoder | %d | %.2f |%n", prompts, textMs[prompts - 1]);
        }
        float[] latents = gaussian(random, UNetRuntime.LATENT_CHANNELS * latent.area());
        double vaeMs = median(runs, () -> runtimes.vaeDecoder().decode(latents, 1, latent.height(), latent.width()));
        System.out.printf("| VAE decoder | 1 | %.2f |%n", vaeMs);
        // Least squares fit of unetMs = fixed + perItem * items.
        double meanX = Arrays.stream(items).average().orElseThrow();
        double meanY = Arrays.stream(unetMs).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < items.length; i++) {
            sxy += (items[i] - meanX) * (unetMs[i] - meanY);
            sxx += (items[i] - meanX) * (items[i] - meanX);
        }
        double perItem = sxx == 0 ? 0 : Math.max(0, sxy / sxx);
        double fixed = Math.max(0, meanY - perItem * meanX);
        double perPrompt = Math.max(0, textMs[1] - textMs[0]);
        System.out.printf("%nUNet fit: %.3f ms + %.3f ms per item at latent %s%n", fixed, perItem, latent);
        return new DeviceProfile(name, "measured by ./sdfleet bench pipeline", List.of(), latent, fixed, perItem,
                vaeMs, Math.max(0, textMs[0] - perPrompt), perPrompt, items[items.length - 1]);
    }

    private static double median(int runs, Runnable call) {
        call.run();
        double[] ms = new double[Math.max(1, runs)];
        for (int r = 0; r < ms.length; r++) {
            long start = System.nanoTime();
            call.run();
            ms[r] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static float[] gaussian(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static List<JobRequest> jobs(int count, int size, int steps) {
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(JobRequest.builder("a watercolor of a harbour town, boat " + i).jobId("bench-" + i)
                    .size(size, size).steps(steps).scheduler(SchedulerName.PNDM).guidanceScale(7.5).seed(1000L + i)
                    .build());
        }
        return jobs;
    }

    private static void benchPng(RgbImage image, JobRequest job, String modelName) {
        PngEncoder encoder = new PngEncoder();
        GeneratedImage generated = new GeneratedImage(0, job.seed(), image);
        Map<String, String> text = Map.of(A1111Parameters.PNG_KEYWORD,
                A1111Parameters.format(JobImageParameters.of(job, generated, modelName)));
        int bytes = 0;
        for (int i = 0; i < 5; i++) {
            bytes = encoder.encode(image, text).length;
        }
        long start = System.nanoTime();
        for (int i = 0; i < PNG_RUNS; i++) {
            encoder.encode(image, text);
        }
        double ms = (System.nanoTime() - start) / 1e6 / PNG_RUNS;
        System.out.printf("%nPNG encode %dx%d (level %d, %s filter): %.2f ms per image, %d bytes%n", image.width(),
                image.height(), encoder.compressionLevel(), encoder.rowFilter(), ms, bytes);
    }

    private static void printMachine() {
        Runtime rt = Runtime.getRuntime();
        System.out.printf("machine: %d cores, %s %s (%s), %s %s %s, max heap %d MB, load average %.2f%n",
                rt.availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("java.vm.vendor"), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), rt.maxMemory() >> 20,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
