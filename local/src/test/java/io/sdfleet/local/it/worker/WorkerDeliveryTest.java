package io.sdfleet.local.it.worker;

import static io.sdfleet.local.it.worker.DeliveryAssertions.committedOffsetIsLastProcessedPlusOne;
import static io.sdfleet.local.it.CompletionAssertions.everyRequestHasExactlyOneCompletion;
import static io.sdfleet.local.it.worker.DeliveryAssertions.objectsMatchTheCompletions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker turns every valid request into exactly one completion with its images stored, sends every bad
 * record to the DLQ with its original bytes, and commits everything it processed; with transactions on
 * and off (at-least-once gives exactly one too when nothing fails).
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class WorkerDeliveryTest {

    @ParameterizedTest(name = "transactions={0}")
    @ValueSource(booleans = {true, false})
    void everyJobCompletesWithItsImages(boolean transactions, LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "deliver", transactions)) {
            s.startWorker("w", new FakePipeline(Duration.ZERO, 4).pipeline(), Map.of());
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                requests.add(s.request(i, 1 + i % 3));
            }
            // A valid request the model cannot run: 72 px is a multiple of 8 but not of the UNet's 64.
            requests.add(s.request(100, 1).toBuilder().width(72).build());
            requests.add(s.request(101, 1).toBuilder().deadline(Instant.now().minusSeconds(60)).build());
            requests.forEach(s::send);

            Map<String, Completion> byJob = everyRequestHasExactlyOneCompletion(requests,
                    s.completions(requests));

            Completion refused = byJob.remove(s.corner.name() + "-100");
            assertEquals(CompletionStatus.FAILED, refused.status());
            assertEquals(ErrorCode.UNSUPPORTED_SIZE.code(), refused.error().code());
            Completion expired = byJob.remove(s.corner.name() + "-101");
            assertEquals(CompletionStatus.EXPIRED, expired.status());
            for (Completion c : byJob.values()) {
                assertEquals(CompletionStatus.SUCCEEDED, c.status(), c.jobId());
                assertEquals(FakePipeline.MODEL, c.model());
                assertEquals(FakePipeline.RUNTIME, c.runtime());
                assertEquals(s.corner.name() + "-w", c.workerId());
                assertTrue(c.batchSize() >= 1);
                assertTrue(c.timingsMs().containsKey("upload") && c.timingsMs().containsKey("total"));
            }
            objectsMatchTheCompletions(s, byJob);
            WorkerScenario.await("all offsets committed", WorkerScenario.WAIT,
                    () -> s.committedOffsets().equals(nonEmpty(s.endOffsets())));
            committedOffsetIsLastProcessedPlusOne(s, s.sent.keySet());
        }
    }

    @ParameterizedTest(name = "transactions={0}")
    @ValueSource(booleans = {true, false})
    void malformedRecordsGoToTheDlqAndValidJobsStillComplete(boolean transactions, LocalStack stack)
            throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "dlq", transactions)) {
            s.startWorker("w", new FakePipeline(Duration.ZERO, 4).pipeline(), Map.of());
            Map<String, String> bad = new TreeMap<>(Map.of(
                    "not json", "MALFORMED_JSON",
                    "{\"schema\":\"sdfleet.job/v3\",\"prompt\":\"x\"}", "UNSUPPORTED_SCHEMA",
                    "{\"prompt\":\"x\",\"jobId\":\"j-1\",\"seed\":1,\"width\":7}", "INVALID_FIELDS",
                    "{\"prompt\":\"x\",\"seed\":1}", "INVALID_FIELDS",
                    "{\"prompt\":\"x\",\"jobId\":\"j-2\"}", "INVALID_FIELDS"));
            List<JobRequest> requests = new ArrayList<>();
            int i = 0;
            for (String value : bad.keySet()) {
                JobRequest good = s.request(i++, 1);
                requests.add(good);
                s.send(good);
                s.send(("bad-" + i).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
            }

            Map<String, Completion> byJob = everyRequestHasExactlyOneCompletion(requests,
                    s.completions(requests));
            objectsMatchTheCompletions(s, byJob);

            List<ConsumerRecord<byte[], byte[]>> dead = s.readCommitted(s.corner.dlq(), bad.size());
            assertEquals(bad.size(), dead.size(), "one DLQ record per bad record");
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                assertEquals(bad.get(value), header(r, SdfleetHeaders.DLQ_REASON), value);
                assertTrue(new String(r.key(), StandardCharsets.UTF_8).startsWith("bad-"), "original key");
                assertEquals(s.corner.requests(), header(r, SdfleetHeaders.DLQ_SOURCE_TOPIC));
                assertEquals(s.corner.name() + "-w", header(r, SdfleetHeaders.DLQ_WORKER));
                assertTrue(!header(r, SdfleetHeaders.DLQ_MESSAGE).isBlank());
                long offset = Long.parseLong(header(r, SdfleetHeaders.DLQ_SOURCE_OFFSET));
                int partition = Integer.parseInt(header(r, SdfleetHeaders.DLQ_SOURCE_PARTITION));
                assertTrue(offset >= 0 && partition >= 0 && partition < WorkerScenario.PARTITIONS);
                assertArrayEquals(r.value(), value.getBytes(StandardCharsets.UTF_8));
            }
            WorkerScenario.await("all offsets committed, bad records included", WorkerScenario.WAIT,
                    () -> s.committedOffsets().equals(nonEmpty(s.endOffsets())));
        }
    }

    static Map<Integer, Long> nonEmpty(Map<Integer, Long> offsets) {
        Map<Integer, Long> out = new TreeMap<>(offsets);
        out.values().removeIf(o -> o == 0);
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
