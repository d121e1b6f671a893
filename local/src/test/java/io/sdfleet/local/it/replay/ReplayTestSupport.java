package io.sdfleet.local.it.replay;

import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.TopicSpec;
import io.sdfleet.producer.SdfleetProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Topics, a worker group and plain Kafka clients for the replay integration tests (CLI runs:
 * {@link io.sdfleet.local.it.CliRun}).
 */
final class ReplayTestSupport {

    /** Upper bound for anything a test waits for on the embedded broker. */
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int PARTITIONS = 3;

    private ReplayTestSupport() {
    }

    /** The topics and worker group of one test. */
    record Fleet(String requests, String completions, String dlq, String workerGroup) {
        /** Environment for the CLI pointing at the stack, these topics and this group. */
        Map<String, String> env(LocalStack stack) {
            // No worker runs in these tests: the producer's model check (the fleet catalog) is off.
            return Map.of("SDFLEET_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                    "SDFLEET_TOPIC_REQUESTS", requests, "SDFLEET_TOPIC_COMPLETIONS", completions,
                    "SDFLEET_TOPIC_DLQ", dlq, "SDFLEET_WORKER_GROUP", workerGroup, "SDFLEET_PRODUCER_MODEL_CHECK", "false");
        }

        SdfleetProducer producer(LocalStack stack) {
            return SdfleetProducer.builder().bootstrapServers(stack.bootstrapServers()).requestsTopic(requests)
                    .completionsTopic(completions).modelCheck(false).build();
        }
    }

    static Fleet createTopics(LocalStack stack, String prefix) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = new Fleet(prefix + "-req-" + suffix, prefix + "-done-" + suffix, prefix + "-dlq-" + suffix,
                prefix + "-workers-" + suffix);
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(fleet.requests(), PARTITIONS),
                new TopicSpec(fleet.completions(), PARTITIONS), new TopicSpec(fleet.dlq(), PARTITIONS)), WAIT);
        return fleet;
    }

    /** Every record of a topic now (read_committed, up to the end offsets taken first). */
    static List<ConsumerRecord<String, byte[]>> readAll(LocalStack stack, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, WAIT);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /** Sends raw bytes (and headers) with a plain producer, as a broken client or a worker's DLQ writer would. */
    static RecordMetadata sendRaw(LocalStack stack, String topic, String key, byte[] value, Map<String, String> headers)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            RecordHeaders h = new RecordHeaders();
            headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
            return producer.send(new ProducerRecord<>(topic, null, key, value, h)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A consumer in {@code group} subscribed to {@code topic}, not committing on its own. */
    static KafkaConsumer<String, byte[]> groupConsumer(LocalStack stack, String group, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
