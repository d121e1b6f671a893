package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation waits for leaders, is idempotent, and refuses a topic that exists with another size. */
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
        assertTrue(stack.startupTime().compareTo(TestClients.WAIT) < 0, "started in " + stack.startupTime());
    }
}
