package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation waits until every partition is served, is idempotent, and refuses a topic that exists with another size. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class KafkaTopicsTest {

    @Test
    void createdTopicsHaveLeadersAndRecreatingIsHarmless(LocalStack stack) throws Exception {
        TopicSpec a = new TopicSpec(TestNames.unique("topics-a"), 3);
        TopicSpec b = new TopicSpec(TestNames.unique("topics-b"), 1);
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(a, b), TestClients.WAIT);
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(a, b), TestClients.WAIT);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(List.of(a.name(), b.name())).allTopicNames().get();
            for (TopicSpec spec : List.of(a, b)) {
                TopicDescription description = described.get(spec.name());
                assertEquals(spec.partitions(), description.partitions().size(), spec.name());
                assertTrue(description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()),
                        "every partition of " + spec.name() + " has a leader");
            }
        }
    }

    /**
     * "Ready" means a produce is accepted at once, not only that the metadata names a leader: a broker lists
     * a new partition's leader a moment before it serves it, and an idempotent producer whose first request
     * lands in that moment can lose its first batch for good (KAFKA-15591). Sends without retries make a
     * NOT_LEADER_OR_FOLLOWER answer visible instead of being retried away.
     */
    @Test
    void newTopicsAcceptAProduceToEveryPartitionAtOnce(LocalStack stack) throws Exception {
        List<TopicSpec> topics = List.of(new TopicSpec(TestNames.unique("topics-ready-a"), 3),
                new TopicSpec(TestNames.unique("topics-ready-b"), 3), new TopicSpec(TestNames.unique("topics-ready-c"), 3));
        KafkaTopics.createAndAwait(stack.bootstrapServers(), topics, TestClients.WAIT);
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(stack.bootstrapServers(), Map.of(
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "all"))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (TopicSpec topic : topics) {
                for (int p = 0; p < topic.partitions(); p++) {
                    sends.add(producer.send(new ProducerRecord<>(topic.name(), p, null, new byte[] {1})));
                }
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(TestClients.WAIT.toSeconds(), TimeUnit.SECONDS); // throws on NOT_LEADER_OR_FOLLOWER
            }
        }
    }

    @Test
    void existingTopicWithOtherPartitionCountIsRefused(LocalStack stack) {
        String name = TestNames.unique("topics-size");
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(name, 2)), TestClients.WAIT);
        EmbeddedStackException refused = assertThrows(EmbeddedStackException.class, () -> KafkaTopics
                .createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(name, 5)), TestClients.WAIT));
        assertTrue(refused.getMessage().contains(name), refused.getMessage());
    }

    @Test
    void theStackCreatedItsTopicsAndBucket(LocalStack stack) throws Exception {
        LocalStack.Options options = stack.options();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Map<String, TopicDescription> described = admin.describeTopics(
                    options.topics().stream().map(TopicSpec::name).toList()).allTopicNames().get();
            for (TopicSpec topic : options.topics()) {
                assertEquals(options.partitions(), described.get(topic.name()).partitions().size(), topic.name());
            }
        }
        try (var minio = TestClients.minio(stack)) {
            assertTrue(minio.bucketExists(io.minio.BucketExistsArgs.builder().bucket(stack.bucket()).build()),
                    "bucket " + stack.bucket());
        }
        // Start-up time is reported, not asserted: it is a speed, and speeds belong to benchmarks, not to
        // tests that a loaded CI machine would make flaky (see README "Benchmarks" for measured times).
        System.out.println("embedded stack started in " + stack.startupTime().toMillis() + " ms");
    }
}
