package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker runs consumer groups with the cooperative-sticky assignor (the worker's setting): two
 * members of one group split the partitions between them, without overlap and without a gap.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ConsumerGroupTest {

    private static final int PARTITIONS = 4;

    @Test
    void twoMembersShareThePartitionsCooperatively(LocalStack stack) {
        String topic = TestNames.unique("group-topic");
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(topic, PARTITIONS)),
                TestClients.WAIT);
        String group = TestNames.unique("group");
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        Set<TopicPartition> all = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());

        try (KafkaConsumer<byte[], byte[]> first = TestClients.consumer(stack.bootstrapServers(), group, cooperative);
             KafkaConsumer<byte[], byte[]> second = TestClients.consumer(stack.bootstrapServers(), group, cooperative)) {
            first.subscribe(List.of(topic));
            second.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TestClients.WAIT.toNanos();
            while (System.nanoTime() < deadline && !balanced(first.assignment(), second.assignment(), all)) {
                first.poll(Duration.ofMillis(100));
                second.poll(Duration.ofMillis(100));
            }
            Set<TopicPartition> a = first.assignment();
            Set<TopicPartition> b = second.assignment();
            assertFalse(a.isEmpty(), "first member has partitions");
            assertFalse(b.isEmpty(), "second member has partitions");
            assertTrue(disjoint(a, b), "no partition in both members: " + a + " / " + b);
            Set<TopicPartition> union = new HashSet<>(a);
            union.addAll(b);
            assertEquals(all, union, "every partition is assigned");
            assertEquals(PARTITIONS / 2, a.size(), "sticky assignor balances 2 members");
        }
    }

    private static boolean balanced(Set<TopicPartition> a, Set<TopicPartition> b, Set<TopicPartition> all) {
        Set<TopicPartition> union = new HashSet<>(a);
        union.addAll(b);
        return !a.isEmpty() && !b.isEmpty() && disjoint(a, b) && union.equals(all);
    }

    private static boolean disjoint(Set<TopicPartition> a, Set<TopicPartition> b) {
        return a.stream().noneMatch(b::contains);
    }
}
