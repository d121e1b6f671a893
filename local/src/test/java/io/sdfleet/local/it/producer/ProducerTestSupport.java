package io.sdfleet.local.it.producer;

import io.sdfleet.common.Completion;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Topics and plain Kafka clients for the producer integration tests (CLI runs: {@link io.sdfleet.local.it.CliRun}). */
final class ProducerTestSupport {

    /** Upper bound for anything a test waits for on the embedded broker. */
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int PARTITIONS = 3;

    private ProducerTestSupport() {
    }

    /** A requests and a completions topic of this test's own. */
    record Topics(String requests, String completions) {
        /** Environment for the CLI pointing at the stack and these topics. */
        Map<String, String> env(LocalStack stack) {
            // No worker runs in these tests: the producer's model check (the fleet catalog) is off.
            return Map.of("SDFLEET_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                    "SDFLEET_TOPIC_REQUESTS", requests, "SDFLEET_TOPIC_COMPLETIONS", completions,
                    "SDFLEET_PRODUCER_MODEL_CHECK", "false");
        }
    }

    static Topics createTopics(LocalStack stack, String prefix) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(prefix + "-req-" + suffix, prefix + "-done-" + suffix);
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(topics.requests(), PARTITIONS),
                new TopicSpec(topics.completions(), PARTITIONS)), WAIT);
        return topics;
    }

    /** Reads {@code count} records of a topic from the beginning of every partition, or fails after WAIT. */
    static List<ConsumerRecord<String, byte[]>> readAll(LocalStack stack, String topic, int count) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // A short extra poll: more records than expected must show up as a failure, not be ignored.
            consumer.poll(Duration.ofMillis(300)).forEach(out::add);
            return out;
        }
    }

    /** Publishes completion events with a plain (non-sdfleet) producer, as a worker would. */
    static void publish(LocalStack stack, String topic, List<Completion> completions) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (Completion c : completions) {
                producer.send(new ProducerRecord<>(topic, c.jobId(), JobCodec.shared().encode(c)))
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not publish completions to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A SUCCEEDED completion of {@code jobId} with one image, as a worker writes it. */
    static Completion succeeded(String jobId) {
        JobRequest request = JobRequest.builder("a test prompt").jobId(jobId).seed(42L).build();
        ImageRef image = new ImageRef("sdfleet", "images/" + jobId + "/0.png", "http://127.0.0.1/presigned/" + jobId,
                512, 512, 42L, "0".repeat(64));
        return Completion.succeeded(request, List.of(image), "worker-test", 1, Map.of("total", 1234.0),
                "tiny-sd", "onnxruntime/cpu", List.of(), Instant.now());
    }
}
