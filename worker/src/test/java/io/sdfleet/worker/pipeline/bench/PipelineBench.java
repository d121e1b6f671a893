package io.sdfleet.worker.pipeline.bench;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.image.A1111Parameters;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.pipeline.BatchProfile;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobImageParameters;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * End-to-end pipeline timings on a model folder (default: the committed tiny model), printed as a table:
 * per denoising step the time inside the UNet runtime and the Java time around it (scheduler, guidance,
 * RNG, copies), images per second by batch size, and PNG encoding of one image.
 *
 * <p>Not JMH: one pipeline run is long (hundreds of ms to seconds), so a warm-up run and a few timed runs per
 * batch size give stable numbers, and the split comes from the pipeline's own {@link BatchProfile}. Every job
 * is guided (scale 7.5), so the UNet batch is twice the image count, as in production.
 *
 * <p>Run (after {@code mvn -pl worker -am test-compile}):
 * {@code java -cp <worker test classpath> io.sdfleet.worker.pipeline.bench.PipelineBench
 * [modelDir=../models/tiny-sd] [size=512] [steps=4] [timedRuns=2]}.
 */
public final class PipelineBench {
    private static final int[] BATCHES = {1, 2, 4, 8};
    private static final int PNG_RUNS = 20;

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "../models/tiny-sd");
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int timedRuns = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        printMachine();
        System.out.printf("model %s, %dx%d, %d steps (pndm), guidance 7.5, %d timed run(s) after 1 warm-up%n%n",
                model, size, size, steps, timedRuns);

        PipelineSettings settings = PipelineSettings.defaults().withMaxBatchImages(BATCHES[BATCHES.length - 1]);
        RuntimeSettings runtime = runtimeFromEnvironment();
        RgbImage sample = null;
        JobRequest sampleJob = null;
        try (StableDiffusionPipeline pipeline = StableDiffusionPipeline.open(ModelFolder.load(model),
                runtime, settings)) {
            System.out.printf("runtime %s (SDFLEET_RUNTIME, SDFLEET_ORT_PROVIDER, SDFLEET_TRT_* from the environment)%n%n",
                    pipeline.runtimeName());
            System.out.println("| images | UNet batch | step ms | runtime ms | Java ms | Java % | encode ms | decode ms"
                    + " | run ms | images/s |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int batch : BATCHES) {
                List<JobRequest> jobs = jobs(batch, size, steps);
                pipeline.run(jobs);
                long stepTotal = 0;
                long stepRuntime = 0;
                long calls = 0;
                long encode = 0;
                long decode = 0;
                long wall = 0;
                for (int r = 0; r < timedRuns; r++) {
                    long start = System.nanoTime();
                    List<JobResult> results = pipeline.run(jobs);
                    wall += System.nanoTime() - start;
                    BatchProfile p = pipeline.lastBatchProfile();
                    stepTotal += p.denoise().totalNanos();
                    stepRuntime += p.denoise().runtimeNanos();
                    calls += p.unetCalls();
                    encode += p.encode().totalNanos();
                    decode += p.decode().totalNanos();
                    sample = results.get(0).images().get(0).image();
                    sampleJob = jobs.get(0);
                }
                double stepMs = stepTotal / 1e6 / calls;
                double runtimeMs = stepRuntime / 1e6 / calls;
                double javaMs = stepMs - runtimeMs;
                System.out.printf("| %d | %d | %.2f | %.2f | %.3f | %.2f%% | %.1f | %.1f | %.0f | %.3f |%n", batch,
                        2 * batch, stepMs, runtimeMs, javaMs, 100 * javaMs / stepMs, encode / 1e6 / timedRuns,
                        decode / 1e6 / timedRuns, wall / 1e6 / timedRuns, batch * timedRuns / (wall / 1e9));
            }
            benchPng(sample, sampleJob, pipeline.modelName());
        }
    }

    /**
     * The runtime settings of the environment (the worker's own, SDFLEET_RUNTIME, SDFLEET_ORT_PROVIDER, ...), so the
     * same bench runs on ONNX Runtime's CPU provider (nothing set), its TensorRT provider or DJL's TensorRT engines.
     */
    static RuntimeSettings runtimeFromEnvironment() {
        io.sdfleet.common.config.ConfigReader reader = new io.sdfleet.common.config.ConfigReader(System.getenv());
        RuntimeSettings runtime = RuntimeSettings.read(reader);
        reader.throwIfInvalid();
        return runtime;
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
