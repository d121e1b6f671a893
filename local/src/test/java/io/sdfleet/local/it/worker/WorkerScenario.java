package io.sdfleet.local.it.worker;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.it.ScenarioCorner;
import io.sdfleet.worker.Worker;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.store.S3ImageStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One test's own corner of the shared stack: its requests, completions and DLQ topics, consumer group,
 * worker id and key prefix (so tests never see each other's records), plus the clients a test needs to
 * feed workers and look at what they wrote. Short Kafka timeouts keep the suite fast.
 */
final class WorkerScenario implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final int PARTITIONS = 3;

    /** This test's topics, group and key prefix on the shared stack. */
    final ScenarioCorner corner;
    final boolean transactions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Worker> workers = new ArrayList<>();
    /** Where each sent request landed, by job id. */
    final Map<String, org.apache.kafka.clients.producer.RecordMetadata> sent = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<S3ImageStore> stores = new ArrayList<>();
    /** The metrics of every in-process worker started here, so tests can read what the worker counted. */
    private final List<WorkerMetrics> metrics = new ArrayList<>();

    WorkerScenario(LocalStack stack, String testName, boolean transactions) {
        this(stack, testName, transactions, PARTITIONS);
    }

    WorkerScenario(LocalStack stack, String testName, boolean transactions, int partitions) {
        this.corner = ScenarioCorner.create(stack, testName, "it", partitions, WAIT);
        this.transactions = transactions;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, corner.stack().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A worker's environment for this scenario; {@code extra} overrides. */
    Map<String, String> env(String workerId, Map<String, String> extra) {
        Map<String, String> env = corner.baseEnv(workerId);
        env.put("SDFLEET_S3_RETRY_BASE_DELAY", "100ms");
        env.put("SDFLEET_S3_RETRY_MAX_DELAY", "500ms");
        env.put("SDFLEET_S3_CONNECT_TIMEOUT", "1s");
        env.put("SDFLEET_S3_REQUEST_TIMEOUT", "3s");
        env.put("SDFLEET_TRANSACTIONS", Boolean.toString(transactions));
        env.put("SDFLEET_TRANSACTION_TIMEOUT", "10s");
        env.put("SDFLEET_SHUTDOWN_GRACE", "20s");
        env.put("SDFLEET_REVOKE_TIMEOUT", "5s");
        env.put("SDFLEET_BATCH_MAX_WAIT", "20ms");
        env.put("SDFLEET_MODEL_NAME", FakePipeline.MODEL); // the model these workers serve: the simulated device's
        env.putAll(extra);
        return env;
    }

    /** Starts an in-process worker with {@code pipeline}; closed by {@link #close()} if still running. */
    Worker startWorker(String workerId, StableDiffusionPipeline pipeline, Map<String, String> extra) throws Exception {
        return startWorkerWithEnv(pipeline, env(workerId, extra));
    }

    /** Starts an in-process worker with exactly this environment (e.g. {@link #env} with keys removed). */
    Worker startWorkerWithEnv(StableDiffusionPipeline pipeline, Map<String, String> env) throws Exception {
        WorkerSettings settings = WorkerSettings.fromEnv(env, () -> "unused");
        S3ImageStore store = S3ImageStore.create(settings.store());
        stores.add(store);
        store.ensureBucket();
        WorkerMetrics workerMetrics = new WorkerMetrics(new SimpleMeterRegistry());
        metrics.add(workerMetrics);
        Worker worker = Worker.start(settings, pipeline, store, workerMetrics,
                KafkaClientFactory.KAFKA, Clock.systemUTC(), state -> { });
        workers.add(worker);
        return worker;
    }

    /**
     * Object-store calls retried so far ({@code sdfleet_store_retries_total}), summed over the in-process
     * workers started here; fails if a worker's registry has no such counter (a renamed meter must not read
     * as "no retries").
     */
    double storeRetries() {
        double total = 0;
        for (WorkerMetrics m : metrics) {
            io.micrometer.core.instrument.Counter counter = m.registry().find(WorkerMetrics.STORE_RETRIES).counter();
            if (counter == null) {
                throw new AssertionError("no " + WorkerMetrics.STORE_RETRIES + " counter in the worker's registry");
            }
            total += counter.count();
        }
        return total;
    }

    /** A valid request of this scenario: job id {@code <name>-<i>}, seed i, 64x64, 2 steps. */
    JobRequest request(int i, int numImages) {
        return JobRequest.builder("prompt number " + i).jobId(corner.name() + "-" + i).seed((long) i).size(64, 64).steps(2)
                .numImages(numImages).build();
    }

    void send(JobRequest request) {
        sent.put(request.jobId(), send(request.jobId().getBytes(StandardCharsets.UTF_8),
                JobCodec.shared().encode(request)));
    }

    org.apache.kafka.clients.producer.RecordMetadata send(byte[] key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(corner.requests(), key, value)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send a request", e);
        }
    }

    /**
     * Completions a read_committed reader sees, once every one of {@code requests} has at least one (or WAIT
     * passed), plus whatever arrives in one short poll after that (so duplicates show).
     *
     * <p>Waits for job ids, not for a count: at-least-once delivery may write a job's completion more than
     * once, and duplicates of early jobs would otherwise make up the count before the last jobs' completions
     * are read — a test would then blame the worker for jobs it did complete.
     */
    List<Completion> completions(Collection<JobRequest> requests) {
        Set<String> expected = requests.stream().map(JobRequest::jobId).collect(Collectors.toSet());
        Set<String> seen = new HashSet<>();
        List<Completion> out = new ArrayList<>();
        corner.readCommitted(corner.completions(), record -> {
            Completion c = JobCodec.shared().decodeCompletion(record.value());
            out.add(c);
            seen.add(c.jobId());
            return seen.containsAll(expected);
        }, WAIT, WAIT);
        return out;
    }

    /** Records of a topic as a read_committed reader sees them, from the beginning. */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int atLeast) {
        return read(topic, atLeast, WAIT);
    }

    /** Records of a topic from the beginning, once at least {@code atLeast} arrived (or {@code wait} passed). */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, int atLeast, Duration wait) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        corner.readCommitted(topic, record -> {
            out.add(record);
            return out.size() >= atLeast;
        }, wait, WAIT);
        return out;
    }

    /** The group's committed offsets on the requests topic, by partition number (absent = none). */
    Map<Integer, Long> committedOffsets() {
        Map<Integer, Long> out = new HashMap<>();
        committedOffsetsAndMetadata().forEach((partition, o) -> out.put(partition, o.offset()));
        return out;
    }

    /** Like {@link #committedOffsets()}, with each offset's metadata (what the worker lists as done ahead). */
    Map<Integer, OffsetAndMetadata> committedOffsetsAndMetadata() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, corner.stack().bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(corner.group())
                    .partitionsToOffsetAndMetadata().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Map<Integer, OffsetAndMetadata> out = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (tp.topic().equals(corner.requests()) && o != null) {
                    out.put(tp.partition(), o);
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the committed offsets of " + corner.group(), e);
        }
    }

    /** The end offsets of the requests topic, by partition (what "everything processed" commits to). */
    Map<Integer, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, corner.stack().bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(corner.requests(), WAIT).stream()
                    .map(p -> new TopicPartition(corner.requests(), p.partition())).toList();
            Map<Integer, Long> out = new HashMap<>();
            consumer.endOffsets(partitions).forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        }
    }

    /** Keys of every PNG under this scenario's prefix. */
    List<String> objectKeys() throws Exception {
        return corner.objectKeys();
    }

    /** The bytes of an object (through the worker's own store client). */
    byte[] object(String key) throws Exception {
        return stores.isEmpty() ? newStore().get(key) : stores.get(0).get(key);
    }

    private S3ImageStore newStore() {
        S3ImageStore store = S3ImageStore.create(WorkerSettings.fromEnv(env("reader", Map.of()), () -> "x").store());
        stores.add(store);
        return store;
    }

    /** Waits until {@code condition} holds, or fails after {@code wait}. */
    static void await(String what, Duration wait, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + wait + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.close();
        }
        producer.close(Duration.ofSeconds(5));
        stores.forEach(S3ImageStore::close);
    }
}
