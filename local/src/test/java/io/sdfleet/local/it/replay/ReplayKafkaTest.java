package io.sdfleet.local.it.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.it.CliRun;
import io.sdfleet.producer.JobIdGenerator;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.cli.ExitCodes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sdfleet replay} in-process against the embedded broker, each test on topics of its own. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ReplayKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JobCodec CODEC = JobCodec.shared();

    /** Sends requests through the producer library and returns them as sent (jobId and seed filled in). */
    private static Map<String, JobRequest> submit(SdfleetProducer producer, List<JobRequest> requests) {
        Map<String, JobRequest> sent = new LinkedHashMap<>();
        for (JobRequest r : requests) {
            String id = producer.submit(r);
            sent.put(id, r.withJobId(id));
        }
        return sent;
    }

    /** The requests on the topic, by Kafka key. */
    private static Map<String, JobRequest> onTopic(LocalStack stack, String topic) {
        Map<String, JobRequest> out = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : ReplayTestSupport.readAll(stack, topic)) {
            out.put(r.key(), CODEC.decodeRequest(r.value()));
        }
        return out;
    }

    /** What a replay without overrides must send for {@code original}: only jobId, regenerationOf, deadline differ. */
    private static JobRequest replayOf(JobRequest original, String newJobId) {
        return original.toBuilder().jobId(newJobId).regenerationOf(original.jobId()).deadline(null).build();
    }

    private static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : out.strip().lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void aTimeRangeWithAJobFilterRepublishesExactlyThoseWithNewIds(LocalStack stack) throws Exception {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "replay-time");
        Map<String, JobRequest> before;
        Map<String, JobRequest> inside;
        Map<String, JobRequest> after;
        Instant from;
        Instant to;
        try (SdfleetProducer producer = fleet.producer(stack)) {
            before = submit(producer, List.of(JobRequest.builder("too early").build()));
            Thread.sleep(20);
            from = Instant.now();
            Thread.sleep(20);
            inside = submit(producer, List.of(
                    JobRequest.builder("a red fox").putMetadata("tenant", "acme").build(),
                    JobRequest.builder("a blue whale").steps(20).build(),
                    JobRequest.builder("a green owl").scheduler(SchedulerName.EULER).seed(77L)
                            .putMetadata("tenant", "acme").build(),
                    JobRequest.builder("a grey cat").build()));
            Thread.sleep(20);
            to = Instant.now();
            Thread.sleep(20);
            after = submit(producer, List.of(JobRequest.builder("too late").build()));
        }
        Map<String, JobRequest> published = onTopic(stack, fleet.requests());
        List<String> insideIds = List.copyOf(inside.keySet());
        Set<String> wanted = Set.of(insideIds.get(1), insideIds.get(2));

        CliRun run = CliRun.execute(fleet.env(stack), "replay", "--from", from.toString(),
                "--to", to.toString(), "--job", insideIds.get(1), insideIds.get(2),
                before.keySet().iterator().next(), after.keySet().iterator().next(), "--json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        List<JsonNode> lines = jsonLines(run.out());
        assertEquals(2, lines.size(), run.toString());
        Map<String, JobRequest> now = onTopic(stack, fleet.requests());
        assertEquals(published.size() + 2, now.size(), "exactly two records added");
        Set<String> replayedOriginals = lines.stream().map(l -> l.get("regenerationOf").asText())
                .collect(Collectors.toSet());
        assertEquals(wanted, replayedOriginals);
        for (JsonNode line : lines) {
            String newId = line.get("jobId").asText();
            String originalId = line.get("regenerationOf").asText();
            assertTrue(JobIdGenerator.isUuidV7(newId), newId);
            assertNotEquals(originalId, newId);
            assertEquals(false, line.get("dryRun").asBoolean());
            assertEquals(fleet.requests(), line.get("source").get("topic").asText());
            assertEquals(replayOf(published.get(originalId), newId), now.get(newId),
                    "same prompt, seed and every image field; new jobId; regenerationOf set");
        }
    }

    @Test
    void overridesAndAMetadataFilterChangeOnlyTheOverriddenFields(LocalStack stack) throws Exception {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "replay-over");
        try (SdfleetProducer producer = fleet.producer(stack)) {
            submit(producer, List.of(
                    JobRequest.builder("one").putMetadata("tenant", "acme").putMetadata("run", "1").build(),
                    JobRequest.builder("two").putMetadata("tenant", "other").build(),
                    JobRequest.builder("three").putMetadata("tenant", "acme").numImages(2).build()));
        }
        Map<String, JobRequest> published = onTopic(stack, fleet.requests());

        CliRun run = CliRun.execute(fleet.env(stack), "replay", "--from-offset", "0",
                "--meta", "tenant=acme", "--steps", "12", "--size", "640x384", "--scheduler", "ddim",
                "--guidance", "4", "--model", "tiny-sd-v2", "--json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        List<JsonNode> lines = jsonLines(run.out());
        assertEquals(2, lines.size(), run.toString());
        Map<String, JobRequest> now = onTopic(stack, fleet.requests());
        for (JsonNode line : lines) {
            JobRequest original = published.get(line.get("regenerationOf").asText());
            assertEquals("acme", original.metadata().get("tenant"));
            JobRequest expected = replayOf(original, line.get("jobId").asText()).toBuilder().steps(12).size(640, 384)
                    .scheduler(SchedulerName.DDIM).guidanceScale(4.0).model("tiny-sd-v2").build();
            assertEquals(expected, now.get(line.get("jobId").asText()));
        }
    }

    @Test
    void aDryRunPrintsOneLinePerRequestAndSendsNothing(LocalStack stack) {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "replay-dry");
        try (SdfleetProducer producer = fleet.producer(stack)) {
            submit(producer, List.of(JobRequest.builder("a").build(), JobRequest.builder("b").build(),
                    JobRequest.builder("c").build()));
        }
        Map<String, JobRequest> published = onTopic(stack, fleet.requests());

        CliRun run = CliRun.execute(fleet.env(stack), "replay", "--from-offset", "0",
                "--dry-run");

        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        List<String> lines = run.out().strip().lines().toList();
        assertEquals(3, lines.size(), run.toString());
        for (String id : published.keySet()) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("would send ") && l.contains("regenerationOf=" + id)
                    && l.contains("seed=" + published.get(id).seed())).count(), run.toString());
        }
        assertTrue(run.err().contains("3 would be sent (dry run)"), run.toString());
        assertEquals(published.keySet(), onTopic(stack, fleet.requests()).keySet(), "nothing was sent");
    }

    @Test
    void aMalformedRecordInTheRangeIsReportedAndSkipped(LocalStack stack) throws Exception {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "replay-bad");
        try (SdfleetProducer producer = fleet.producer(stack)) {
            submit(producer, List.of(JobRequest.builder("good one").build()));
        }
        RecordMetadata junk = ReplayTestSupport.sendRaw(stack, fleet.requests(), "junk",
                "{\"prompt\": \"cut".getBytes(StandardCharsets.UTF_8), Map.of());
        try (SdfleetProducer producer = fleet.producer(stack)) {
            submit(producer, List.of(JobRequest.builder("good two").build()));
        }

        CliRun run = CliRun.execute(fleet.env(stack), "replay", "--from-offset", "0");

        assertEquals(ExitCodes.SOME_FAILED, run.exitCode(), run.toString());
        assertTrue(run.err().contains("skipped " + fleet.requests() + "-" + junk.partition() + "@" + junk.offset()
                + " (key junk): MALFORMED_JSON"), run.toString());
        assertTrue(run.err().contains("1 skipped"), run.toString());
        assertEquals(2, run.out().strip().lines().count(), run.toString());
        List<ConsumerRecord<String, byte[]>> now = ReplayTestSupport.readAll(stack, fleet.requests());
        assertEquals(5, now.size(), "two originals, the junk, two replays");
        long replayed = now.stream().filter(r -> !"junk".equals(r.key()))
                .map(r -> CODEC.decodeRequest(r.value())).filter(r -> r.regenerationOf() != null).count();
        assertEquals(2, replayed);
    }

    @Test
    void dlqRecordsThatNowValidateAreReplayedToTheRequestsTopic(LocalStack stack) throws Exception {
        ReplayTestSupport.Fleet fleet = ReplayTestSupport.createTopics(stack, "replay-dlq");
        JobRequest fine = JobRequest.builder("refused while the model was missing").jobId("dlq-ok").seed(5L)
                .model("tiny-sd").build();
        byte[] stillBad = "{\"prompt\":\"x\",\"jobId\":\"dlq-bad\",\"seed\":1,\"width\":500}"
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of(SdfleetHeaders.DLQ_REASON, "INVALID_FIELDS",
                SdfleetHeaders.DLQ_SOURCE_TOPIC, fleet.requests(), SdfleetHeaders.DLQ_SOURCE_PARTITION, "0",
                SdfleetHeaders.DLQ_SOURCE_OFFSET, "0", SdfleetHeaders.DLQ_WORKER, "worker-1");
        ReplayTestSupport.sendRaw(stack, fleet.dlq(), "dlq-ok", CODEC.encode(fine), headers);
        RecordMetadata bad = ReplayTestSupport.sendRaw(stack, fleet.dlq(), "dlq-bad", stillBad, headers);

        CliRun run = CliRun.execute(fleet.env(stack), "replay", "--dlq", "--from-offset", "0",
                "--json");

        assertEquals(ExitCodes.SOME_FAILED, run.exitCode(), run.toString());
        assertTrue(run.err().contains("skipped " + fleet.dlq() + "-" + bad.partition() + "@" + bad.offset()
                + " (key dlq-bad): INVALID_FIELDS"), run.toString());
        List<JsonNode> lines = jsonLines(run.out());
        assertEquals(1, lines.size(), run.toString());
        assertEquals("dlq-ok", lines.get(0).get("regenerationOf").asText());
        assertEquals(fleet.dlq(), lines.get(0).get("source").get("topic").asText());
        String newId = lines.get(0).get("jobId").asText();
        Map<String, JobRequest> requests = onTopic(stack, fleet.requests());
        assertEquals(Set.of(newId), requests.keySet());
        assertEquals(replayOf(fine, newId), requests.get(newId));
    }
}
