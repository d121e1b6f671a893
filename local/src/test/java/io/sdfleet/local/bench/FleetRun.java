package io.sdfleet.local.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.TopicSpec;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.worker.PipelineFactory;
import io.sdfleet.worker.Worker;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.store.S3ImageStore;
import io.sdfleet.common.config.StoreSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * One configuration of the benchmark, on the shared stack but in its own corner: fresh requests,
 * completions and DLQ topics, consumer group, worker ids and key prefix, so no record of another
 * configuration is seen or redelivered.
 *
 * <p>Sequence: open one pipeline per worker with {@link PipelineFactory#STABLE_DIFFUSION} (the real Stable
 * Diffusion pipeline, ONNX Runtime on the CPU, from the worker's environment, as {@code WorkerMain} does)
 * and run one full batch through it directly (JIT, ONNX Runtime allocations); start the workers
 * in-process with {@link Worker#start}; wait until every worker has partitions; push one unmeasured warm-up
 * round of M jobs (at least {@code workers x batch}) through the fleet; run the idle-fleet jobs one at a time; then, per round,
 * submit the M measured jobs at once and wait for all their completions. Workers, pipelines and stores are closed
 * before the next configuration, so configurations never compete.
 *
 * <p>Failure: anything that goes wrong (a worker that does not join, completions that do not come)
 * throws; the harness reports it and stops rather than print a partial table.
 */
final class FleetRun {

    /** Longest wait for the group to assign partitions to every worker. */
    static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(60);
    /** Longest wait for a round of completions (warm-up, idle job, or the measured M jobs). */
    static final Duration COMPLETION_TIMEOUT = Duration.ofMinutes(10);

    private final LocalStack stack;
    private final BenchOptions options;
    private final FleetConfig config;
    private final String name;
    private final String requests;
    private final String completions;
    private final String dlq;
    private final String group;

    FleetRun(LocalStack stack, BenchOptions options, FleetConfig config) {
        this.stack = stack;
        this.options = options;
        this.config = config;
        this.name = "fbench-w" + config.workers() + "-b" + config.batchMaxImages() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.requests = name + "-req";
        this.completions = name + "-done";
        this.dlq = name + "-dlq";
        this.group = name + "-group";
    }

    RunResult run() throws Exception {
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(requests, options.partitions()),
                new TopicSpec(completions, options.partitions()), new TopicSpec(dlq, 1)), Duration.ofSeconds(30));
        List<AutoCloseable> resources = new ArrayList<>();
        try (CompletionWatcher watcher = CompletionWatcher.start(stack.bootstrapServers(), completions);
             SdfleetProducer producer = SdfleetProducer.builder().bootstrapServers(stack.bootstrapServers())
                     .requestsTopic(requests).completionsTopic(completions).build()) {
            for (int w = 0; w < config.workers(); w++) {
                startWorker(w, resources);
            }
            awaitAssignment();
            log("warm-up round through the fleet");
            // A full unmeasured round: JIT of the Kafka, codec and S3 paths, connections, transaction set-up.
            submitAndAwait(producer, watcher,
                    requests("warm", Math.max(options.jobs(), config.workers() * config.batchMaxImages())));
            List<JobSample> idle = new ArrayList<>();
            for (int i = 0; i < options.idleJobs(); i++) {
                idle.addAll(submitAndAwait(producer, watcher, requests("idle" + i, 1)));
            }
            log("measuring " + options.rounds() + " rounds of " + options.jobs() + " jobs submitted at once");
            double load = MachineInfo.loadOneMinute();
            List<Double> walls = new ArrayList<>();
            List<JobSample> loaded = new ArrayList<>();
            for (int round = 0; round < options.rounds(); round++) {
                List<JobSample> samples = submitAndAwait(producer, watcher, requests("m" + round, options.jobs()));
                walls.add(samples.stream().mapToDouble(JobSample::seenOffset).max().orElseThrow());
                loaded.addAll(samples);
            }
            return new RunResult(config, walls, loaded, idle, load);
        } finally {
            closeAll(resources);
        }
    }

    private void startWorker(int index, List<AutoCloseable> resources) throws Exception {
        WorkerSettings settings = WorkerSettings.fromEnv(env(index), () -> "unused");
        // The production path: the same factory and settings WorkerMain uses.
        StableDiffusionPipeline pipeline = PipelineFactory.STABLE_DIFFUSION.create(settings);
        resources.add(pipeline);
        List<JobResult> warm = pipeline.generate(requests("direct" + index, config.batchMaxImages()));
        if (warm.stream().anyMatch(r -> !r.succeeded())) {
            throw new IllegalStateException("the pipeline failed its warm-up batch: " + warm);
        }
        S3ImageStore store = S3ImageStore.create(settings.store());
        resources.add(store);
        store.ensureBucket();
        Worker worker = Worker.start(settings, pipeline, store, new WorkerMetrics(new SimpleMeterRegistry()),
                KafkaClientFactory.KAFKA, Clock.systemUTC(), state -> { });
        resources.add(worker); // closed before its pipeline and store (closeAll goes in reverse)
    }

    /**
     * A worker's environment: the worker defaults except topics, group, id, store, the batch size and the
     * ONNX Runtime threads.
     */
    private Map<String, String> env(int index) {
        Map<String, String> env = new HashMap<>();
        env.put(KafkaSettings.BOOTSTRAP_SERVERS.name(), stack.bootstrapServers());
        env.put(KafkaSettings.TOPIC_REQUESTS.name(), requests);
        env.put(KafkaSettings.TOPIC_COMPLETIONS.name(), completions);
        env.put(KafkaSettings.TOPIC_DLQ.name(), dlq);
        env.put(KafkaSettings.WORKER_GROUP.name(), group);
        env.put(WorkerSettings.WORKER_ID_SETTING.name(), name + "-" + index);
        env.put(WorkerSettings.MODEL_DIR.name(), options.model().toString());
        env.put(io.sdfleet.worker.device.DeviceSettings.BATCH_MAX_IMAGES.name(), Integer.toString(config.batchMaxImages()));
        env.put(RuntimeSettings.INTRA_OP_THREADS.name(), Integer.toString(config.ortThreads()));
        env.put(RuntimeSettings.INTER_OP_THREADS.name(), Integer.toString(config.ortThreads()));
        env.put(StoreSettings.ENDPOINT.name(), stack.s3Endpoint().toString());
        env.put(StoreSettings.ACCESS_KEY.name(), stack.accessKey());
        env.put(StoreSettings.SECRET_KEY.name(), stack.secretKey());
        env.put(StoreSettings.BUCKET.name(), stack.bucket());
        env.put(StoreSettings.PREFIX.name(), "bench/" + name);
        return env;
    }

    /** Jobs of one size, steps and scheduler (so they batch), each with its own prompt and seed. */
    private List<JobRequest> requests(String round, int count) {
        List<JobRequest> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(JobRequest.builder("fleet benchmark " + round + " job " + i + ", a lighthouse on a cliff at dusk")
                    .jobId(name + "-" + round + "-" + i).seed((long) i).size(options.width(), options.height())
                    .steps(options.steps()).build());
        }
        return out;
    }

    /** Submits every job (each one's submit time noted), then waits for all completions. */
    private List<JobSample> submitAndAwait(SdfleetProducer producer, CompletionWatcher watcher,
            List<JobRequest> jobs) throws Exception {
        long[] submitted = new long[jobs.size()];
        List<CompletableFuture<String>> sends = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            submitted[i] = System.nanoTime();
            sends.add(producer.submitAsync(jobs.get(i)));
        }
        for (CompletableFuture<String> send : sends) {
            send.get(30, TimeUnit.SECONDS);
        }
        List<String> ids = jobs.stream().map(JobRequest::jobId).toList();
        Map<String, CompletionWatcher.Seen> seen = watcher.await(ids, COMPLETION_TIMEOUT);
        List<JobSample> out = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            CompletionWatcher.Seen s = seen.get(ids.get(i));
            out.add(JobSample.of(submitted[0], submitted[i], s.seenNanos(), s.completion()));
        }
        return out;
    }

    /** Waits until the group has every worker as a member and each owns at least one requests partition. */
    private void awaitAssignment() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            long deadline = System.nanoTime() + ASSIGNMENT_TIMEOUT.toNanos();
            while (true) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                        .get(10, TimeUnit.SECONDS).get(group);
                long owning = d.members().stream().map(MemberDescription::assignment)
                        .filter(a -> a.topicPartitions().stream().anyMatch(tp -> tp.topic().equals(requests)))
                        .count();
                int partitions = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                if (owning == config.workers() && partitions == options.partitions()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("after " + ASSIGNMENT_TIMEOUT + " only " + owning + " of "
                            + config.workers() + " workers own partitions of " + requests);
                }
                Thread.sleep(100);
            }
        }
    }

    private void log(String what) {
        System.err.printf("fleetbench [%s] %s%n", config.label(), what);
    }

    private static void closeAll(List<AutoCloseable> resources) throws Exception {
        Exception first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
