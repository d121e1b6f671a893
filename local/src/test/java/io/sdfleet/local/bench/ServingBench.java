package io.sdfleet.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sdfleet.local.LocalStack;
import io.sdfleet.worker.device.DeviceSettings.Batching;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.runtime.TextEncoderRuntime;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import io.sdfleet.worker.runtime.sim.SimulatedDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * {@code ./sdfleet bench serving}: the whole fleet on the embedded stack (Kafka and S3), one real worker, the
 * producer library submitting at Poisson arrivals, a read_committed completion reader; every configuration of
 * device x batching x mix x load measured in one run and printed as one table ({@link ServingRun} says how one
 * configuration is measured, {@link TrafficMix} what the traffic is and what "ideal" means).
 *
 * <p>Options: {@code --device sim:PROFILE|cpu} (default {@code sim:sd15-h100-trt-fp16}; {@code cpu} runs the tiny
 * model for real on ONNX Runtime and measures its profile first), {@code --batching static,continuous},
 * {@code --mix uniform,mixed}, {@code --load 0.5,0.8,1.0,1.2} (fractions of the ideal throughput of the mix),
 * {@code --duration 60s} (arrivals per configuration), {@code --lone 10} (lone jobs per configuration),
 * {@code --quick} (sim, mixed, loads 0.5 and 1.2, both batchings; 80 s of arrivals at a load of 1 or more, 30 s
 * below: under 6 minutes here),
 * {@code --json FILE} (one object per row with the keys device, batching, mix, load, jobs, images_per_s,
 * ideal_images_per_s, device_busy, mean_unet_items, p50_ms, p95_ms, p99_ms, lone_job_ms, failed).
 */
public final class ServingBench {

    private ServingBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> argList = Arrays.asList(args);
        if (argList.contains("--help") || argList.contains("-h")) {
            System.out.println("./sdfleet bench serving [--quick] [--device sim:PROFILE|cpu] [--batching static,continuous]"
                    + " [--mix uniform,mixed] [--load 0.5,0.8,1.0,1.2] [--duration 60s] [--lone 10] [--json FILE]");
            return;
        }
        boolean quick = argList.contains("--quick");
        List<String> devices = list(option(args, "--device", "sim:" + DeviceProfile.SD15_H100));
        List<Batching> batchings = list(option(args, "--batching", "static,continuous")).stream()
                .map(b -> Batching.valueOf(b.toUpperCase(Locale.ROOT))).toList();
        List<String> mixes = list(option(args, "--mix", quick ? "mixed" : "uniform,mixed"));
        List<Double> loads = list(option(args, "--load", quick ? "0.5,1.2" : "0.5,0.8,1.0,1.2")).stream()
                .map(Double::parseDouble).toList();
        String durationOption = option(args, "--duration", null);
        Duration fixedDuration = Duration.parse("PT" + (durationOption == null ? "60s" : durationOption)
                .toUpperCase(Locale.ROOT));
        int lone = Integer.parseInt(option(args, "--lone", quick ? "6" : "10"));
        String json = option(args, "--json", null);
        System.setProperty("org.slf4j.simpleLogger.log.io.sdfleet", System.getProperty(
                "org.slf4j.simpleLogger.log.io.sdfleet", "warn"));

        MachineInfo machine = MachineInfo.now();
        Instant started = Instant.now();
        System.out.printf("serving benchmark, %s; machine: %s, %d cores, load average %s%n", started,
                machine.cpu(), machine.cores(), MachineInfo.loadAverageNow());
        List<ServingRun.Result> rows = new ArrayList<>();
        try (LocalStack stack = LocalStack.start()) {
            for (String device : devices) {
                Supplier<ServingRun.Device> factory = deviceFactory(device);
                for (String mixName : mixes) {
                    TrafficMix mix = TrafficMix.named(mixName);
                    for (double load : loads) {
                        for (Batching batching : batchings) {
                            System.out.printf("... %s %s %s load %.2f%n", device, batching, mixName, load);
                            Duration duration = quick && durationOption == null ? quickDuration(load) : fixedDuration;
                            ServingRun.Result row = new ServingRun(stack, factory, batching, mix, load, duration, lone,
                                    42).run();
                            rows.add(row);
                            System.out.println("    " + line(row));
                        }
                    }
                }
            }
        }
        System.out.printf("%nserving benchmark, %s, took %d s; load average after: %s%n%n", started,
                Duration.between(started, Instant.now()).toSeconds(), MachineInfo.loadAverageNow());
        System.out.println(table(rows));
        System.out.println(ledgers(rows));
        if (json != null) {
            Files.writeString(Path.of(json), json(rows));
            System.out.println("rows written to " + json);
        }
        System.exit(0); // the MinIO client's OkHttp threads would keep the JVM up for a minute
    }

    /**
     * Arrivals per configuration of {@code --quick}. At saturation the backlog, the work in flight and the
     * completions held back behind their partition build up from zero, so the window must be long against that
     * ramp; docs/bench-serving.md has runs of 40, 80 and 120 s (72, 70 and 99 % of the ideal: the length is not
     * the whole story). Below saturation nothing builds up and 30 s of arrivals are enough for the latency
     * percentiles. The four configurations took 313 s (with one core busy elsewhere).
     */
    static Duration quickDuration(double load) {
        return load >= 1.0 ? Duration.ofSeconds(80) : Duration.ofSeconds(30);
    }

    /** The device of {@code --device}: {@code sim:PROFILE} or {@code cpu}. */
    static Supplier<ServingRun.Device> deviceFactory(String spec) throws Exception {
        if (spec.startsWith("sim:")) {
            DeviceProfile profile = DeviceProfile.named(spec.substring(4));
            return () -> {
                SimulatedDevice device = new SimulatedDevice(profile);
                StableDiffusionPipeline pipeline = device.pipeline(
                        PipelineSettings.defaults().withMaxBatchImages(profile.maxItems() / 2));
                return new ServingRun.Device() {
                    @Override
                    public String name() {
                        return spec;
                    }

                    @Override
                    public StableDiffusionPipeline pipeline() {
                        return pipeline;
                    }

                    @Override
                    public long busyNanos() {
                        return device.modelledNanos();
                    }

                    @Override
                    public void startCallLog() {
                        device.startCallLog();
                    }

                    @Override
                    public List<SimulatedDevice.Call> callLog() {
                        return device.callLog();
                    }

                    @Override
                    public DeviceProfile profile() {
                        return profile;
                    }
                };
            };
        }
        if (!spec.equals("cpu")) {
            throw new IllegalArgumentException("--device " + spec + ": expected sim:PROFILE or cpu");
        }
        ModelFolder folder = ModelFolder.load(Path.of("../models/tiny-sd"));
        DeviceProfile profile = measureCpu(folder);
        System.out.println("cpu profile (tiny model, measured): " + profile.toJson().replace('\n', ' '));
        return () -> {
            try {
                StableDiffusionPipeline pipeline = StableDiffusionPipeline.open(folder, RuntimeSettings.defaults(),
                        PipelineSettings.defaults().withMaxBatchImages(profile.maxItems() / 2));
                return new ServingRun.Device() {
                    @Override
                    public String name() {
                        return "cpu";
                    }

                    @Override
                    public StableDiffusionPipeline pipeline() {
                        return pipeline;
                    }

                    @Override
                    public long busyNanos() {
                        return pipeline.busyNanos();
                    }

                    @Override
                    public DeviceProfile profile() {
                        return profile;
                    }
                };
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** The tiny model's own profile on this CPU: UNet calls at 2 and 8 items, VAE and text encoder, at 512x512. */
    private static DeviceProfile measureCpu(ModelFolder folder) throws Exception {
        LatentSize latent = new LatentSize(64, 64);
        try (ModelRuntimes runtimes = ModelRuntimes.open(folder, RuntimeSettings.defaults())) {
            Random random = new Random(1);
            int hidden = runtimes.textEncoder().hiddenSize();
            double two = median(() -> unet(runtimes, random, 2, latent, hidden));
            double eight = median(() -> unet(runtimes, random, 8, latent, hidden));
            double perItem = Math.max(0, (eight - two) / 6);
            double fixed = Math.max(0, two - 2 * perItem);
            float[] latents = new float[UNetRuntime.LATENT_CHANNELS * latent.area()];
            double vae = median(() -> runtimes.vaeDecoder().decode(latents, 1, latent.height(), latent.width()));
            int[][] ids = new int[2][TextEncoderRuntime.SEQUENCE_LENGTH];
            double text = median(() -> runtimes.textEncoder().encode(ids));
            return new DeviceProfile("cpu-tiny-sd", "tiny model on this machine's CPU", List.of(), latent, fixed,
                    perItem, vae, text / 2, text / 4, 8);
        }
    }

    private static void unet(ModelRuntimes runtimes, Random random, int items, LatentSize latent, int hidden) {
        float[] sample = new float[items * UNetRuntime.LATENT_CHANNELS * latent.area()];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (float) random.nextGaussian();
        }
        runtimes.unet().predictNoise(sample, 500f, new float[items * TextEncoderRuntime.SEQUENCE_LENGTH * hidden],
                items, latent.height(), latent.width());
    }

    private static double median(Runnable call) {
        call.run();
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    static String table(List<ServingRun.Result> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| device | batching | mix | load | jobs | images/s | ideal | of ideal | device busy | UNet items/call"
                + " | p50 ms | p95 ms | p99 ms | lone job ms | failed | seen after upload p50 / p99 ms | unfinished | uploaded images/s | ideal of the jobs offered |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ServingRun.Result r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %d | %.3f | %.3f | %.0f %% | %.3f | %.1f | %.0f"
                            + " | %.0f | %.0f | %.0f | %d | %.0f / %.0f | %d | %.3f | %.3f |%n", r.device(), r.batching(), r.mix(), r.load(),
                    r.jobs(), r.imagesPerS(), r.idealImagesPerS(), 100 * r.imagesPerS() / r.idealImagesPerS(),
                    r.deviceBusy(), r.meanUnetItems(), r.p50Ms(), r.p95Ms(), r.p99Ms(), r.loneJobMs(), r.failed(),
                    r.visibleAfterUploadP50Ms(), r.visibleAfterUploadP99Ms(), r.unfinished(), r.uploadedImagesPerS(),
                    r.offeredIdealImagesPerS()));
        }
        return sb.toString();
    }

    /** The device-time ledger of each row that has one ({@link DeviceLedger}; a simulated device keeps one). */
    static String ledgers(List<ServingRun.Result> rows) {
        StringBuilder sb = new StringBuilder();
        for (ServingRun.Result r : rows) {
            if (r.ledger() != null) {
                String title = String.format(Locale.ROOT, "%s %s %s load %.2f", r.device(), r.batching(), r.mix(),
                        r.load());
                double seen = r.uploadedImagesPerS() > 0 ? r.imagesPerS() / r.uploadedImagesPerS() : 0;
                sb.append(r.ledger().markdown(title, r.idealImagesPerS(), seen)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String line(ServingRun.Result r) {
        return String.format(Locale.ROOT, "%d jobs, %.3f images/s (ideal %.3f), busy %.3f, %.1f items/call, p50 %.0f ms,"
                        + " p99 %.0f ms, lone %.0f ms, failed %d, unfinished %d, uploaded %.3f images/s, ideal of the jobs"
                        + " offered %.3f", r.jobs(), r.imagesPerS(), r.idealImagesPerS(), r.deviceBusy(), r.meanUnetItems(),
                r.p50Ms(), r.p99Ms(), r.loneJobMs(), r.failed(), r.unfinished(), r.uploadedImagesPerS(),
                r.offeredIdealImagesPerS());
    }

    static String json(List<ServingRun.Result> rows) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (ServingRun.Result r : rows) {
            ObjectNode o = array.addObject();
            o.put("device", r.device());
            o.put("batching", r.batching());
            o.put("mix", r.mix());
            o.put("load", r.load());
            o.put("jobs", r.jobs());
            o.put("images_per_s", r.imagesPerS());
            o.put("ideal_images_per_s", r.idealImagesPerS());
            o.put("device_busy", r.deviceBusy());
            o.put("mean_unet_items", r.meanUnetItems());
            o.put("p50_ms", r.p50Ms());
            o.put("p95_ms", r.p95Ms());
            o.put("p99_ms", r.p99Ms());
            o.put("lone_job_ms", r.loneJobMs());
            o.put("failed", r.failed());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array) + "\n";
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
