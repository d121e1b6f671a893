package io.sdfleet.local.it;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One test's own corner of the shared stack: a unique name and, derived from it, its requests, completions
 * and DLQ topics, worker group and key prefix, so concurrent tests never see each other's records or
 * objects. Shared by the worker and end-to-end scenarios, which differ in how they start workers but not in
 * how they name, create and read their corner. Immutable; the readers open and close their own clients.
 *
 * @param stack the shared broker and S3 store
 * @param name {@code <testName>-<8 random hex digits>}
 * @param requests requests topic ({@code PARTITIONS} partitions)
 * @param completions completions topic (as many partitions as requests)
 * @param dlq dead-letter topic (one partition)
 * @param group the workers' consumer group
 * @param prefix the key prefix of this test's objects ({@code <root>/<name>})
 */
public record ScenarioCorner(LocalStack stack, String name, String requests, String completions, String dlq,
        String group, String prefix) {

    /** How long one poll of the topic reader waits while records are still expected. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** The last poll after enough arrived, so records beyond the expected ones (duplicates) show. */
    private static final Duration LAST_POLL = Duration.ofMillis(500);

    /**
     * Names a new corner for {@code testName} with objects under {@code prefixRoot}, and creates its topics
     * ({@code partitions} for requests and completions, one for the DLQ), waiting up to {@code wait}.
     */
    public static ScenarioCorner create(LocalStack stack, String testName, String prefixRoot, int partitions,
            Duration wait) {
        String name = testName + "-" + UUID.randomUUID().toString().substring(0, 8);
        ScenarioCorner corner = new ScenarioCorner(stack, name, name + "-req", name + "-done", name + "-dlq",
                name + "-group", prefixRoot + "/" + name);
        // The catalog and progress topics too, as a deployment's topic set-up makes them (not left to auto-creation).
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(corner.requests, partitions),
                new TopicSpec(corner.completions, partitions), new TopicSpec(corner.dlq, 1),
                new TopicSpec(name + "-fleet", 1), new TopicSpec(name + "-progress", partitions)), wait);
        return corner;
    }

    /**
     * The settings every process of this corner shares (broker, topics, group, worker id {@code <name>-<workerId>},
     * S3 store and prefix, an ephemeral loopback HTTP port, short Kafka session timeouts); callers add their own.
     */
    public Map<String, String> baseEnv(String workerId) {
        Map<String, String> env = new HashMap<>();
        env.put("SDFLEET_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("SDFLEET_TOPIC_REQUESTS", requests);
        env.put("SDFLEET_TOPIC_COMPLETIONS", completions);
        env.put("SDFLEET_TOPIC_DLQ", dlq);
        // The test's own fleet catalog and progress topics (the broker creates them on first use).
        env.put("SDFLEET_TOPIC_FLEET", name + "-fleet");
        env.put("SDFLEET_TOPIC_PROGRESS", name + "-progress");
        env.put("SDFLEET_FLEET_HEARTBEAT", "1s");
        env.put("SDFLEET_WORKER_GROUP", group);
        env.put("SDFLEET_WORKER_ID", name + "-" + workerId);
        env.put("SDFLEET_S3_ENDPOINT", stack.s3Endpoint().toString());
        env.put("SDFLEET_S3_ACCESS_KEY", stack.accessKey());
        env.put("SDFLEET_S3_SECRET_KEY", stack.secretKey());
        env.put("SDFLEET_S3_BUCKET", stack.bucket());
        env.put("SDFLEET_S3_PREFIX", prefix);
        env.put("SDFLEET_HTTP_PORT", "0");
        env.put("SDFLEET_HTTP_BIND", "127.0.0.1");
        env.put("SDFLEET_KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("SDFLEET_KAFKA_HEARTBEAT_INTERVAL_MS", "500");
        env.put("SDFLEET_KAFKA_METADATA_MAX_AGE_MS", "2000");
        return env;
    }

    /**
     * Reads {@code topic} (read_committed) from the beginning, handing every record to {@code enough}, until it
     * answers true or {@code wait} passed; then one more short poll, so that records beyond the expected ones
     * (duplicates) are seen rather than cut off. Topic metadata may take up to {@code metadataWait}.
     */
    public void readCommitted(String topic, Predicate<ConsumerRecord<byte[], byte[]>> enough, Duration wait,
            Duration metadataWait) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, metadataWait).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + wait.toNanos();
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    done |= enough.test(r);
                }
            }
            consumer.poll(LAST_POLL).forEach(enough::test);
        }
    }

    /** Keys of every PNG under this corner's prefix. */
    public List<String> objectKeys() throws Exception {
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
}
