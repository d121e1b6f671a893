package io.sdfleet.local.bench;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.TopicSpec;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.worker.Worker;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.device.DeviceSettings;
import io.sdfleet.worker.device.DeviceSettings.Batching;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.store.S3ImageStore;
import io.sdfleet.common.config.StoreSettings;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.pipeline.ImageItems;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.sim.SimulatedDevice;
import java.util.Arrays;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One configuration of the serving benchmark (device, batching, mix, load), on the shared stack in a corner of
 * its own: fresh topics and group, one real worker ({@link Worker#start}: poll loop, device loop, store pool,
 * Kafka transactions) over the given device, the real producer library submitting at Poisson arrival times, and
 * a read_committed reader timing every completion.
 *
 * <p>Phases: warm-up (a few jobs, unmeasured), lone jobs (the mix's jobs one at a time on the idle worker: their
 * median latency is {@code lone_job_ms}), then arrivals at {@code load x ideal} images/s for the duration. The
 * first part of the duration is the ramp ({@link #ramp}); the rest is the window in which throughput, device busy time and UNet
 * items are measured; latencies are those of the jobs submitted in the window. After the window the run waits a
 * bounded time for the window's jobs (an overloaded configuration leaves a backlog it never works off).
 */
final class ServingRun {

    /** A device under test, made fresh for each configuration so its counters start at zero. */
    interface Device {
        String name();

        /** The pipeline the worker runs. */
        StableDiffusionPipeline pipeline();

        /** Nanoseconds the device has been busy so far. */
        long busyNanos();

        /** The profile the ideal throughput is computed from. */
        io.sdfleet.worker.runtime.sim.DeviceProfile profile();

        /** Starts logging every model call, for the {@link DeviceLedger} (a simulated device only). */
        default void startCallLog() {
        }

        /** The calls since {@link #startCallLog}; empty for a device that cannot log them. */
        default List<SimulatedDevice.Call> callLog() {
            return List.of();
        }
    }

    /** What the caller measured in one configuration: one row of the table and of the JSON. */
    record Result(String device, String batching, String mix, double load, int jobs, double imagesPerS,
                  double idealImagesPerS, double deviceBusy, double meanUnetItems, double p50Ms, double p95Ms,
                  double p99Ms, double loneJobMs, int failed, double visibleAfterUploadP50Ms, double visibleAfterUploadP99Ms,
                  int unfinished, double uploadedImagesPerS, double offeredIdealImagesPerS,
                  DeviceLedger.Summary ledger) {
    }

    private static final int WARM_UP_JOBS = 4;
    private static final int PARTITIONS = 4;

    private final LocalStack stack;
    private final Supplier<Device> devices;
    private final Batching batching;
    private final TrafficMix mix;
    private final double load;
    private final Duration duration;
    private final int loneJobs;
    private final long seed;
    private final String name;

    ServingRun(LocalStack stack, Supplier<Device> devices, Batching batching, TrafficMix mix, double load,
            Duration duration, int loneJobs, long seed) {
        this.stack = stack;
        this.devices = devices;
        this.batching = batching;
        this.mix = mix;
        this.load = load;
        this.duration = duration;
        this.loneJobs = loneJobs;
        this.seed = seed;
        this.name = "serve-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Result run() throws Exception {
        Device device = devices.get();
        int maxItems = device.profile().maxItems();
        double ideal = mix.idealImagesPerSecond(device.profile(), maxItems);
        String requests = name + "-req";
        String completions = name + "-done";
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(requests, PARTITIONS),
                new TopicSpec(completions, PARTITIONS), new TopicSpec(name + "-dlq", 1)), Duration.ofSeconds(30));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerSettings settings = WorkerSettings.fromEnv(env(requests, completions, maxItems / 2), () -> "unused");
        StableDiffusionPipeline pipeline = device.pipeline();
        Random random = new Random(seed);
        try (S3ImageStore store = S3ImageStore.create(settings.store());
             CompletionWatcher watcher = CompletionWatcher.start(stack.bootstrapServers(), completions);
             SdfleetProducer producer = SdfleetProducer.builder().bootstrapServers(stack.bootstrapServers())
                     .requestsTopic(requests).completionsTopic(completions).build()) {
            store.ensureBucket();
            Worker worker = Worker.start(settings, pipeline, store, new WorkerMetrics(registry),
                    KafkaClientFactory.KAFKA, Clock.systemUTC(), state -> { });
            try {
                // Warm-up: JIT, connections, the first transaction.
                List<String> warm = new ArrayList<>();
                for (int i = 0; i < WARM_UP_JOBS; i++) {
                    warm.add(producer.submit(mix.next(random, name + "-warm", i)));
                }
                watcher.await(warm, Duration.ofMinutes(3));
                // Lone jobs: one at a time on the idle worker.
                List<Double> lone = new ArrayList<>();
                for (int i = 0; i < loneJobs; i++) {
                    long start = System.nanoTime();
                    String id = producer.submit(mix.next(random, name + "-lone", i));
                    lone.add((watcher.await(List.of(id), Duration.ofMinutes(3)).get(id).seenNanos() - start) / 1e6);
                }
                return arrivals(device, producer, watcher, registry, random, ideal, maxItems, lone);
            } finally {
                worker.close();
                pipeline.close();
            }
        }
    }

    private Result arrivals(Device device, SdfleetProducer producer, CompletionWatcher watcher,
            SimpleMeterRegistry registry, Random random, double ideal, int maxItems, List<Double> lone)
            throws Exception {
        double jobsPerSecond = load * ideal / mix.meanImages();
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        Map<String, JobRequest> requests = new ConcurrentHashMap<>();
        List<JobRequest> allRequests = new ArrayList<>(); // the ramp's too: the ledger attributes their work
        device.startCallLog(); // the device is idle: the warm-up and lone jobs are done
        long start = System.nanoTime();
        long windowStart = start + ramp(duration, load).toNanos();
        long end = start + duration.toNanos();
        long busyAtWindow = -1;
        long windowStartMillis = 0;
        double itemsAtWindow = 0;
        double callsAtWindow = 0;
        double next = start;
        int index = 0;
        while (true) {
            next += -Math.log(1 - random.nextDouble()) / jobsPerSecond * 1e9; // Poisson: exponential gaps
            if (next >= end) {
                break;
            }
            long wait = (long) next - System.nanoTime();
            if (busyAtWindow < 0 && System.nanoTime() + Math.max(0, wait) >= windowStart) {
                sleepUntil(windowStart);
                busyAtWindow = device.busyNanos();
                itemsAtWindow = items(registry).totalAmount();
                callsAtWindow = items(registry).count();
                windowStartMillis = System.currentTimeMillis();
            }
            sleepUntil((long) next);
            JobRequest job = mix.next(random, name, index++);
            long submitNanos = System.nanoTime();
            producer.submit(job);
            allRequests.add(job);
            if (submitNanos >= windowStart) {
                submitted.put(job.jobId(), submitNanos);
                requests.put(job.jobId(), job);
            }
        }
        sleepUntil(end);
        long windowEndMillis = System.currentTimeMillis();
        long busyAtEnd = device.busyNanos();
        double itemsAtEnd = items(registry).totalAmount();
        double callsAtEnd = items(registry).count();
        double windowSeconds = (end - windowStart) / 1e9;
        int imagesInWindow = 0;
        for (CompletionWatcher.Seen seen : watcher.seen().values()) {
            if (seen.seenNanos() >= windowStart && seen.seenNanos() < end && seen.completion().jobId().startsWith(name
                    + "-") && !seen.completion().jobId().contains("-warm-") && !seen.completion().jobId()
                    .contains("-lone-")) {
                imagesInWindow += seen.completion().images().size();
            }
        }
        // The window's jobs: wait a bounded time for them (an overloaded configuration has a backlog).
        long drainDeadline = System.nanoTime() + Math.min(duration.toNanos() / 4, Duration.ofSeconds(20).toNanos());
        while (System.nanoTime() < drainDeadline && !watcher.seen().keySet().containsAll(submitted.keySet())) {
            Thread.sleep(50);
        }
        List<Double> latencies = new ArrayList<>();
        List<Double> visibleAfterUpload = new ArrayList<>();
        int failed = 0;
        for (Map.Entry<String, Long> e : submitted.entrySet()) {
            CompletionWatcher.Seen seen = watcher.seen().get(e.getKey());
            if (seen == null) {
                continue;
            }
            latencies.add((seen.seenNanos() - e.getValue()) / 1e6);
            if (seen.completion().status() != CompletionStatus.SUCCEEDED) {
                failed++;
            }
            if (seen.completion().completedAt() != null) {
                visibleAfterUpload.add((double) (seen.seenMillis() - seen.completion().completedAt().toEpochMilli()));
            }
        }
        int unfinished = submitted.size() - latencies.size();
        // Images whose upload finished in the window (the worker's clock, read after the drain): what the device
        // produced, whether or not the reader saw it yet (a completion held behind an earlier, longer job of its
        // partition is produced but not yet visible).
        int uploadedInWindow = 0;
        for (CompletionWatcher.Seen seen : watcher.seen().values()) {
            var c = seen.completion();
            if (c.completedAt() != null && c.completedAt().toEpochMilli() >= windowStartMillis
                    && c.completedAt().toEpochMilli() < windowEndMillis && c.jobId().startsWith(name + "-")
                    && !c.jobId().contains("-warm-") && !c.jobId().contains("-lone-")) {
                uploadedInWindow += c.images().size();
            }
        }
        DeviceLedger.Summary ledger = ledger(device, watcher, allRequests, submitted.keySet(), start, windowStart, end, windowStartMillis,
                windowEndMillis, maxItems);
        return new Result(device.name(), batching.name().toLowerCase(java.util.Locale.ROOT), mix.name(), load,
                submitted.size(), imagesInWindow / windowSeconds, ideal,
                (busyAtEnd - busyAtWindow) / 1e9 / windowSeconds,
                callsAtEnd > callsAtWindow ? (itemsAtEnd - itemsAtWindow) / (callsAtEnd - callsAtWindow) : 0,
                Stats.percentile(latencies, d -> d, 50), Stats.percentile(latencies, d -> d, 95),
                Stats.percentile(latencies, d -> d, 99), Stats.median(lone, d -> d), failed,
                Stats.percentile(visibleAfterUpload, d -> d, 50), Stats.percentile(visibleAfterUpload, d -> d, 99),
                unfinished, uploadedInWindow / windowSeconds,
                TrafficMix.idealImagesPerSecond(List.copyOf(requests.values()), device.profile(), maxItems), ledger);
    }

    /**
     * The window's device-time ledger from the device's call log (null when the device keeps none): each call's
     * items are given to jobs by the prompt rows the device saw, each job's fate by its completion's upload time
     * (as {@code uploaded images/s} counts it; a job not seen by the drain's end counts as not uploaded).
     */
    private static DeviceLedger.Summary ledger(Device device, CompletionWatcher watcher, List<JobRequest> jobs,
            java.util.Set<String> offered, long runStart, long windowStart, long windowEnd, long windowStartMillis, long windowEndMillis, int maxItems) {
        List<SimulatedDevice.Call> log = device.callLog();
        if (log.isEmpty()) {
            return null;
        }
        ClipTokenizer tokenizer = ClipTokenizer.bundled();
        Map<String, String> jobOfRow = new HashMap<>();
        List<DeviceLedger.Job> ledgerJobs = new ArrayList<>();
        for (JobRequest j : jobs) {
            jobOfRow.put(Arrays.toString(tokenizer.tokenize(j.prompt()).inputIds()), j.jobId());
            CompletionWatcher.Seen seen = watcher.seen().get(j.jobId());
            long uploaded = seen == null || seen.completion().completedAt() == null ? Long.MAX_VALUE
                    : seen.completion().completedAt().toEpochMilli();
            DeviceLedger.Fate fate = uploaded < windowStartMillis ? DeviceLedger.Fate.UPLOADED_BEFORE_WINDOW
                    : uploaded < windowEndMillis ? DeviceLedger.Fate.UPLOADED_IN_WINDOW
                    : DeviceLedger.Fate.NOT_UPLOADED_IN_WINDOW;
            ledgerJobs.add(new DeviceLedger.Job(j.jobId(), fate, LatentSize.ofImage(j.width(), j.height()),
                    j.numImages(), ImageItems.isGuided(j.guidanceScale()), TrafficMix.unetCallsPerImage(j),
                    TrafficMix.idealSeconds(j, device.profile(), maxItems), offered.contains(j.jobId()),
                    uploaded == Long.MAX_VALUE ? Long.MAX_VALUE
                            : windowStart + (uploaded - windowStartMillis) * 1_000_000));
        }
        List<DeviceLedger.Call> calls = new ArrayList<>(log.size());
        for (SimulatedDevice.Call c : log) {
            List<String> owners = new ArrayList<>(c.rows().size());
            for (int[] row : c.rows()) {
                owners.add(row == null ? null : jobOfRow.get(Arrays.toString(row)));
            }
            calls.add(new DeviceLedger.Call(c.kind(), c.startNanos(),
                    c.modelledNanos(), c.size(), c.items(), owners));
        }
        return DeviceLedger.of(calls, ledgerJobs, runStart, windowStart, windowEnd, device.profile(), maxItems);
    }

    /**
     * The arrivals before the window: a tenth of them below saturation, a quarter at a load of 1 or more. At
     * saturation the work in flight (up to three latent sizes' active sets of jobs each part done) levels off at
     * 3-6 s of device time only some 16 s after the arrivals begin (the device-time ledger's in-flight line,
     * docs/bench-serving.md); a window that starts earlier is credited with less of it at its start than it
     * leaves at its end, and measures the ramp rather than the capacity.
     */
    static Duration ramp(Duration duration, double load) {
        return load >= 1.0 ? duration.dividedBy(4) : duration.dividedBy(10);
    }

    private static DistributionSummary items(SimpleMeterRegistry registry) {
        return registry.get("sdfleet.unet.items").summary();
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private Map<String, String> env(String requests, String completions, int maxImages) {
        Map<String, String> env = new HashMap<>();
        env.put(KafkaSettings.BOOTSTRAP_SERVERS.name(), stack.bootstrapServers());
        env.put(KafkaSettings.TOPIC_REQUESTS.name(), requests);
        env.put(KafkaSettings.TOPIC_COMPLETIONS.name(), completions);
        env.put(KafkaSettings.TOPIC_DLQ.name(), name + "-dlq");
        env.put(KafkaSettings.WORKER_GROUP.name(), name + "-group");
        env.put(WorkerSettings.WORKER_ID_SETTING.name(), name + "-w");
        env.put(DeviceSettings.BATCHING.name(), batching.name().toLowerCase(java.util.Locale.ROOT));
        env.put(DeviceSettings.BATCH_MAX_IMAGES.name(), Integer.toString(Math.max(1, maxImages)));
        env.put(StoreSettings.ENDPOINT.name(), stack.s3Endpoint().toString());
        env.put(StoreSettings.ACCESS_KEY.name(), stack.accessKey());
        env.put(StoreSettings.SECRET_KEY.name(), stack.secretKey());
        env.put(StoreSettings.BUCKET.name(), stack.bucket());
        env.put(StoreSettings.PREFIX.name(), "bench/" + name);
        return env;
    }
}
