package io.sdfleet.local.it.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.KafkaTopics;
import io.sdfleet.local.TopicSpec;
import io.sdfleet.local.it.CliRun;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.cli.ExitCodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sdfleet replay reset-offsets} against the embedded broker, with a worker group of the test's own. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ResetOffsetsKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The group's committed offsets on the topic, by partition. */
    private static Map<Integer, Long> committed(LocalStack stack, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> out = new HashMap<>();
            all.forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    /** Per partition: the first offset stamped at or after {@code time}, else the end; from the records themselves. */
    private static Map<Integer, Long> expectedAt(List<ConsumerRecord<String, byte[]>> records, Instant time) {
        Map<Integer, Long> out = new HashMap<>();
        for (int p = 0; p < ReplayTestSupport.PARTITIONS; p++) {
            final int partition = p;
            List<ConsumerRecord<String, byte[]>> mine = records.stream().filter(r -> r.partition() == partition).toList();
            long end = mine.stream().mapToLong(r -> r.offset() + 1).max().orElse(0);
            out.put(p, mine.stream().filter(r -> r.timestamp() >= time.toEpochMilli())
                    .mapToLong(ConsumerRecord::offset).min().orElse(end));
        }
        return out;
    }

    /** Consumes everything in the group and commits, as workers that are done would have. */
    private static void consumeAllAndCommit(LocalStack stack, ReplayTestSupport.Fleet fleet, int count) {
        consumeAllAndCommit(stack, fleet.workerGroup(), fleet.requests(), count);
    }

    private static void consumeAllAndCommit(LocalStack stack, String group, String topic, int count) {
        try (KafkaConsumer<String, byte[]> worker = ReplayTestSupport.groupConsumer(stack, group, topic)) {
            int seen = 0;
            long deadline = System.nanoTime() + ReplayTestSupport.WAIT.toNanos();
            while (seen < count && System.nanoTime() < deadline) {
                seen += worker.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(count, seen);
            worker.commitSync();
        }
    }

    @Test
    void anIdleGroupMovesToTheOffsetsOfTheTime(LocalStack stack) throws Exception {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "reset-idle");
        Instant time;
        try (SdfleetProducer producer = fleet.producer(stack)) {
            for (int i = 0; i < 6; i++) {
                producer.submit(JobRequest.builder("early " + i).build());
            }
            Thread.sleep(20);
            time = Instant.now();
            Thread.sleep(20);
            for (int i = 0; i < 6; i++) {
                producer.submit(JobRequest.builder("late " + i).build());
            }
        }
        consumeAllAndCommit(stack, fleet, 12);
        List<ConsumerRecord<String, byte[]>> records = ReplayTestSupport.readAll(stack, fleet.requests());
        Map<Integer, Long> ends = expectedAt(records, Instant.now().plusSeconds(3600));
        assertEquals(ends, committed(stack, fleet.workerGroup(), fleet.requests()));
        Map<Integer, Long> expected = expectedAt(records, time);

        CliRun dry = CliRun.execute(fleet.env(stack), "replay", "reset-offsets", "--to",
                time.toString(), "--dry-run", "--json");

        assertEquals(ExitCodes.OK, dry.exitCode(), dry.toString());
        List<String> lines = dry.out().strip().lines().toList();
        assertEquals(ReplayTestSupport.PARTITIONS, lines.size(), dry.toString());
        for (String l : lines) {
            JsonNode line = JSON.readTree(l);
            int p = line.get("partition").asInt();
            assertEquals(ends.get(p), line.get("oldOffset").asLong(), dry.toString());
            assertEquals(expected.get(p), line.get("newOffset").asLong(), dry.toString());
            assertEquals(false, line.get("applied").asBoolean());
        }
        assertEquals(ends, committed(stack, fleet.workerGroup(), fleet.requests()), "a dry run changes nothing");

        CliRun run = CliRun.execute(fleet.env(stack), "replay", "reset-offsets", "--to",
                time.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertEquals(expected, committed(stack, fleet.workerGroup(), fleet.requests()));
        assertTrue(run.out().contains(fleet.requests() + "-0: " + ends.get(0) + " -> " + expected.get(0)), run.toString());
    }

    @Test
    void aGroupWithAnActiveConsumerIsRefused(LocalStack stack) throws Exception {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "reset-busy");
        try (SdfleetProducer producer = fleet.producer(stack)) {
            for (int i = 0; i < 3; i++) {
                producer.submit(JobRequest.builder("job " + i).build());
            }
        }
        consumeAllAndCommit(stack, fleet, 3);
        Map<Integer, Long> before = committed(stack, fleet.workerGroup(), fleet.requests());

        try (KafkaConsumer<String, byte[]> worker = ReplayTestSupport.groupConsumer(stack, fleet.workerGroup(),
                fleet.requests())) {
            long deadline = System.nanoTime() + ReplayTestSupport.WAIT.toNanos();
            while (worker.assignment().isEmpty() && System.nanoTime() < deadline) {
                worker.poll(Duration.ofMillis(200));
            }
            assertTrue(!worker.assignment().isEmpty(), "the consumer joined the group");

            CliRun run = CliRun.execute(fleet.env(stack), "replay", "reset-offsets",
                    "--to", "-1h");

            assertEquals(ExitCodes.SOME_FAILED, run.exitCode(), run.toString());
            assertTrue(run.err().contains("stop the workers first (group has 1 member)"), run.toString());
            assertEquals(before, committed(stack, fleet.workerGroup(), fleet.requests()), "nothing changed");
        }

        CliRun afterLeaving = CliRun.execute(fleet.env(stack), "replay", "reset-offsets",
                "--to", "-1h");
        assertEquals(ExitCodes.OK, afterLeaving.exitCode(), afterLeaving.toString());
        Map<Integer, Long> zeros = new HashMap<>();
        for (int p = 0; p < ReplayTestSupport.PARTITIONS; p++) {
            zeros.put(p, 0L);
        }
        assertEquals(zeros, committed(stack, fleet.workerGroup(), fleet.requests()), "back to the first records");
    }

    /**
     * With several models, {@code --model} moves that model's group ({@code <group>.<model>}) on that model's topic
     * (the pattern's), and leaves the default model's group on the plain topic where it was.
     */
    @Test
    void modelMovesOnlyThatModelsGroupOnItsTopic(LocalStack stack) throws Exception {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "reset-model");
        String topicB = fleet.requests() + ".m-b";
        String groupB = fleet.workerGroup() + ".m-b";
        KafkaTopics.createAndAwait(stack.bootstrapServers(), List.of(new TopicSpec(topicB,
                ReplayTestSupport.PARTITIONS)), ReplayTestSupport.WAIT);
        Map<String, String> env = new HashMap<>(fleet.env(stack));
        env.put("SDFLEET_DEFAULT_MODEL", "m-a");
        env.put("SDFLEET_TOPIC_REQUESTS_PATTERN", fleet.requests() + ".{model}");
        Instant time;
        try (SdfleetProducer producer = SdfleetProducer.builder().env(env).build()) {
            for (int i = 0; i < 4; i++) {
                producer.submit(JobRequest.builder("a " + i).model("m-a").build());
                producer.submit(JobRequest.builder("early b " + i).model("m-b").build());
            }
            Thread.sleep(20);
            time = Instant.now();
            Thread.sleep(20);
            for (int i = 0; i < 4; i++) {
                producer.submit(JobRequest.builder("late b " + i).model("m-b").build());
            }
        }
        consumeAllAndCommit(stack, fleet.workerGroup(), fleet.requests(), 4);
        consumeAllAndCommit(stack, groupB, topicB, 8);
        Map<Integer, Long> defaultBefore = committed(stack, fleet.workerGroup(), fleet.requests());
        Map<Integer, Long> expectedB = expectedAt(ReplayTestSupport.readAll(stack, topicB), time);

        CliRun run = CliRun.execute(env, "replay", "reset-offsets", "--model", "m-b", "--to", time.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertEquals(expectedB, committed(stack, groupB, topicB), "m-b's group is at the time on m-b's topic");
        assertEquals(defaultBefore, committed(stack, fleet.workerGroup(), fleet.requests()),
                "the default model's group did not move");
        assertEquals(Map.of(), committed(stack, fleet.workerGroup(), topicB), "nothing committed for the wrong group");
    }
}
