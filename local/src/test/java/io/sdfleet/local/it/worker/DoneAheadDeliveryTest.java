package io.sdfleet.local.it.worker;

import static io.sdfleet.local.it.worker.DeliveryAssertions.objectsMatchTheCompletions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.it.CompletionAssertions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Short jobs taken after a long one in the same partition: their completions are visible to a read_committed
 * reader while the long job still runs (the commit stays below the long job and lists the short ones as done
 * ahead of it in its metadata), and after kill -9 the next worker skips them: every job completes exactly
 * once. Without the done-ahead set the short completions would wait for the long job.
 */
@Tag("integration")
@Tag("slow")
@ExtendWith(LocalStackExtension.class)
class DoneAheadDeliveryTest {

    /** Device time per UNet call: the long job (60 PNDM steps, about 60 calls) takes about 12 s. */
    private static final Duration UNET_CALL = Duration.ofMillis(200);

    @Test
    void shortJobsTakenAfterALongOneCompleteAtOnceAndOnlyOnceAcrossAKill(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "ahead", true, 1)) {
            Map<String, String> env = s.env("w", Map.of("SDFLEET_BATCH_MAX_IMAGES", "4"));
            JobRequest slow = JobRequest.builder("the long one").jobId(s.corner.name() + "-slow").seed(1L)
                    .size(64, 64).steps(60).build();
            List<JobRequest> requests = new ArrayList<>(List.of(slow));
            for (int i = 0; i < 3; i++) {
                requests.add(s.request(i, 1));
            }
            requests.forEach(s::send); // one partition: the long job's offset is the lowest
            Set<String> shortJobs = requests.subList(1, 4).stream().map(JobRequest::jobId).collect(Collectors.toSet());

            try (WorkerChild first = WorkerChild.start(env, UNET_CALL)) {
                List<String> early = s.read(s.corner.completions(), 3, Duration.ofSeconds(45)).stream()
                        .map(r -> JobCodec.shared().decodeCompletion(r.value()).jobId()).toList();
                first.process().destroyForcibly();
                assertTrue(first.process().waitFor(10, TimeUnit.SECONDS), "killed");
                assertEquals(shortJobs, Set.copyOf(early),
                        "the short jobs' completions came first, while the long job ran:\n" + first.logText());
            }
            List<String> beforeRestart = s.read(s.corner.completions(), 4, Duration.ofSeconds(2)).stream()
                    .map(r -> JobCodec.shared().decodeCompletion(r.value()).jobId()).toList();
            assertEquals(3, beforeRestart.size(), "the kill came before the long job finished: " + beforeRestart);
            OffsetAndMetadata committed = committed(s);
            assertEquals(s.sent.get(slow.jobId()).offset(), committed.offset(),
                    "the commit stays at the unfinished long job");
            assertTrue(committed.metadata().startsWith("sdfleet-done-ahead:1:"),
                    "and says what is done ahead of it: " + committed.metadata());

            try (WorkerChild second = WorkerChild.start(env, UNET_CALL)) {
                List<Completion> completions = s.completions(requests);
                Map<String, Completion> byJob =
                        CompletionAssertions.everyRequestHasExactlyOneCompletion(requests, completions);
                objectsMatchTheCompletions(s, byJob);
                long end = s.endOffsets().get(0);
                WorkerScenario.await("everything committed", WorkerScenario.WAIT,
                        () -> committed(s).offset() == end);
                assertEquals("", committed(s).metadata(), "nothing left ahead of the end");
                second.process().destroy();
                assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "stopped:\n" + second.logText());
                assertTrue(second.logText().contains("partitions assigned"), second.logText());
            }
        }
    }

    /** The only partition's committed offset (0 with no metadata when none is committed). */
    private static OffsetAndMetadata committed(WorkerScenario s) {
        return s.committedOffsetsAndMetadata().getOrDefault(0, new OffsetAndMetadata(0));
    }
}
