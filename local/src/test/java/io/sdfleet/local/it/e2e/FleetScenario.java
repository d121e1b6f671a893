package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.TopicSpec;
import io.sdfleet.local.demo.DemoStartException;
import io.sdfleet.local.demo.InProcessWorker;
import io.sdfleet.local.demo.ModelLocator;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.SubmitResult;
import io.sdfleet.worker.PipelineFactory;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.store.S3ImageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One end-to-end test's corner of the shared stack: its own requests, completions and DLQ topics, worker
 * group, worker ids and key prefix; workers with the real Stable Diffusion pipeline on the tiny model
 * (started as the demo starts its worker, {@link InProcessWorker}); a {@link SdfleetProducer} to submit and
 * wait; and readers for the completions topic and the stored objects.
 */
final class FleetScenario implements AutoCloseable {

    /** Upper bound for anything a test waits for (the real pipeline on a busy 2-core machine). */
    static final Duration WAIT = Duration.ofSeconds(120);
    static final int PARTITIONS = 3;

    final LocalStack stack;
    final String name;
    final String requests;
    final String completions;
    final String dlq;
    final String group;
    final String prefix;
    final SdfleetProducer producer;
    private final Path modelDir;
    private final List<InProcessWorker> workers = new ArrayList<>();
    private final S3ImageStore reader;

    FleetScenario(LocalStack stack, String testName) throws DemoStartException {
        this.stack = stack;
        this.name = testName + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.requests = name + "-req";
        this.completions = name + "-done";
        this.dlq = name + "-dlq";
        this.group = name + "-group";
        this.prefix = "e2e/" + name;
        this.modelDir = ModelLocator.locate(null, Map.of(), Path.of("")).folder();
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(requests, PARTITIONS),
                new TopicSpec(completions, PARTITIONS), new TopicSpec(dlq, 1)), WAIT);
        this.producer = SdfleetProducer.builder().env(env("producer", Map.of())).build();
        this.reader = S3ImageStore.create(WorkerSettings.fromEnv(env("reader", Map.of()), () -> "reader").store());
    }

    /** The environment of a worker (and of the producer and the CLI) of this scenario; {@code extra} overrides. */
    Map<String, String> env(String workerId, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("SDFLEET_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("SDFLEET_TOPIC_REQUESTS", requests);
        env.put("SDFLEET_TOPIC_COMPLETIONS", completions);
        env.put("SDFLEET_TOPIC_DLQ", dlq);
        env.put("SDFLEET_WORKER_GROUP", group);
        env.put("SDFLEET_WORKER_ID", name + "-" + workerId);
        env.put("SDFLEET_MODEL_DIR", modelDir.toString());
        env.put("SDFLEET_S3_ENDPOINT", stack.s3Endpoint().toString());
        env.put("SDFLEET_S3_ACCESS_KEY", stack.accessKey());
        env.put("SDFLEET_S3_SECRET_KEY", stack.secretKey());
        env.put("SDFLEET_S3_BUCKET", stack.bucket());
        env.put("SDFLEET_S3_PREFIX", prefix);
        env.put("SDFLEET_HTTP_PORT", "0");
        env.put("SDFLEET_HTTP_BIND", "127.0.0.1");
        env.put("SDFLEET_SHUTDOWN_GRACE", "30s");
        env.put("SDFLEET_KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("SDFLEET_KAFKA_HEARTBEAT_INTERVAL_MS", "500");
        env.put("SDFLEET_KAFKA_METADATA_MAX_AGE_MS", "2000");
        env.putAll(extra);
        return env;
    }

    /** A worker with the real pipeline; stopped by {@link #close()} unless stopped before. */
    InProcessWorker startWorker(String workerId, Map<String, String> extra) throws DemoStartException {
        InProcessWorker worker = InProcessWorker.start(env(workerId, extra), PipelineFactory.STABLE_DIFFUSION);
        workers.add(worker);
        return worker;
    }

    /** Drains and stops a worker (the SIGTERM path); fails the test if one of its threads had failed. */
    void stopWorker(InProcessWorker worker) throws InterruptedException {
        worker.stop().ifPresent(failure -> {
            throw new AssertionError("worker failed: " + failure.getMessage(), failure);
        });
    }

    /** The Kafka settings of this scenario (for the replayer). */
    KafkaSettings kafkaSettings() {
        return KafkaSettings.fromEnv(env("replayer", Map.of()));
    }

    /** Submits every request; returns them as sent (job ids and seeds filled in), in order. */
    List<JobRequest> submit(List<JobRequest> jobs) {
        List<JobRequest> sent = new ArrayList<>();
        for (SubmitResult r : producer.submitAll(jobs)) {
            assertTrue(r.isSent(), () -> "not sent: " + r.failure());
            sent.add(r.request());
        }
        return sent;
    }

    /** The completion of every job (first seen per job), in the order of {@code jobIds}. */
    Map<String, Completion> awaitCompletions(List<String> jobIds) {
        return producer.awaitCompletions(jobIds, WAIT);
    }

    /** Every completion record a read_committed reader sees on the topic, once {@code atLeast} arrived. */
    List<Completion> allCompletions(int atLeast) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(completions, WAIT).stream()
                    .map(p -> new TopicPartition(completions, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<Completion> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(JobCodec.shared().decodeCompletion(r.value())));
            }
            // one more poll: a duplicate beyond the expected ones must show, not be cut off
            consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(JobCodec.shared().decodeCompletion(r.value())));
            return out;
        }
    }

    /** The bytes of a stored object. */
    byte[] object(String key) throws Exception {
        return reader.get(key);
    }

    /** Keys of every PNG under this scenario's prefix. */
    List<String> objectKeys() throws Exception {
        MinioClient minio = MinioClient.builder().endpoint(stack.s3Endpoint().toString()).region("us-east-1")
                .credentials(stack.accessKey(), stack.secretKey()).build();
        List<String> keys = new ArrayList<>();
        for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder().bucket(stack.bucket())
                .prefix(prefix + "/").recursive(true).build())) {
            Item item = r.get();
            if (!item.isDir() && item.objectName().endsWith(".png")) {
                keys.add(item.objectName());
            }
        }
        return keys;
    }

    /** The bytes of image {@code index} of a succeeded completion. */
    byte[] image(Completion completion, int index) throws Exception {
        assertEquals(io.sdfleet.common.CompletionStatus.SUCCEEDED, completion.status(),
                () -> completion.jobId() + " " + completion.error());
        return object(completion.images().get(index).key());
    }

    @Override
    public void close() {
        for (InProcessWorker w : workers) {
            w.close();
        }
        producer.close();
        reader.close();
    }
}
