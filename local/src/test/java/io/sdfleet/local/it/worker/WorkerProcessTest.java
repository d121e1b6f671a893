package io.sdfleet.local.it.worker;

import static io.sdfleet.local.it.worker.DeliveryAssertions.committedOffsetIsLastProcessedPlusOne;
import static io.sdfleet.local.it.worker.DeliveryAssertions.deliveredPerMode;
import static io.sdfleet.local.it.worker.DeliveryAssertions.objectsMatchTheCompletions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker as a process: killed mid-batch (SIGKILL) and restarted, every job completes (once, for a
 * read_committed reader, with transactions); stopped with SIGTERM mid-batch, it finishes and commits the
 * batch and exits 0 within the grace period.
 */
@Tag("integration")
@Tag("slow")
@ExtendWith(LocalStackExtension.class)
class WorkerProcessTest {

    private static final Duration STARTED = Duration.ofSeconds(45);

    @ParameterizedTest(name = "transactions={0}")
    @ValueSource(booleans = {true, false})
    void killedMidBatchAndRestartedEveryJobCompletes(boolean transactions, LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "kill", transactions)) {
            Map<String, String> env = s.env("w", Map.of("SDFLEET_BATCH_MAX_IMAGES", "2"));
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                requests.add(s.request(i, 1));
                s.send(requests.get(i));
            }
            try (WorkerChild first = WorkerChild.start(env, Duration.ofMillis(233))) {
                WorkerScenario.await("some completions before the kill", STARTED,
                        () -> s.read(s.corner.completions(), 2, Duration.ofSeconds(1)).size() >= 2);
                first.process().destroyForcibly();
                assertTrue(first.process().waitFor(10, TimeUnit.SECONDS), "killed");
            }
            // The kill must have left work behind, or the restart below proves nothing.
            Set<String> doneBeforeRestart = s.read(s.corner.completions(), requests.size(), Duration.ofSeconds(1))
                    .stream().map(r -> io.sdfleet.common.JobCodec.shared().decodeCompletion(r.value()).jobId())
                    .collect(Collectors.toSet());
            assertTrue(doneBeforeRestart.size() < requests.size(),
                    "the killed worker left jobs without a completion: " + doneBeforeRestart.size() + " of "
                            + requests.size());
            Map<Integer, Long> committed = s.committedOffsets();
            Map<Integer, Long> end = s.endOffsets();
            long behind = end.entrySet().stream()
                    .mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), 0L)).sum();
            assertTrue(behind > 0, "the killed worker left records uncommitted: committed " + committed
                    + ", end " + end);
            try (WorkerChild second = WorkerChild.start(env, Duration.ofMillis(233))) {
                List<Completion> completions = s.completions(requests);
                Map<String, Completion> byJob = deliveredPerMode(s, requests, completions);
                objectsMatchTheCompletions(s, byJob);
                WorkerScenario.await("all committed", WorkerScenario.WAIT,
                        () -> s.committedOffsets().equals(WorkerDeliveryTest.nonEmpty(s.endOffsets())));
                second.process().destroy();
                assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "stopped:\n" + second.logText());
            }
        }
    }

    @Test
    void sigtermMidBatchFinishesCommitsAndExitsZero(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "sigterm", true)) {
            Duration grace = Duration.ofSeconds(20);
            Map<String, String> env = s.env("w", Map.of("SDFLEET_BATCH_MAX_IMAGES", "4",
                    "SDFLEET_SHUTDOWN_GRACE", grace.toSeconds() + "s", "SDFLEET_BATCH_MAX_WAIT", "500ms"));
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                requests.add(s.request(i, 1));
                s.send(requests.get(i));
            }
            try (WorkerChild child = WorkerChild.start(env, Duration.ofSeconds(1))) {
                child.awaitLog("partitions assigned", STARTED);
                Thread.sleep(1500); // the first batch (after the 500 ms batch wait) is on the device
                long signalled = System.nanoTime();
                child.process().destroy(); // SIGTERM
                assertTrue(child.process().waitFor(grace.toSeconds() + 5, TimeUnit.SECONDS),
                        "exited within the grace period:\n" + child.logText());
                Duration took = Duration.ofNanos(System.nanoTime() - signalled);
                assertEquals(0, child.process().exitValue(), child.logText());
                assertTrue(took.compareTo(grace) < 0, "took " + took);

                List<Completion> completions = s.read(s.corner.completions(), 1, Duration.ofSeconds(5)).stream()
                        .map(r -> io.sdfleet.common.JobCodec.shared().decodeCompletion(r.value())).toList();
                assertTrue(!completions.isEmpty() && completions.size() < requests.size(),
                        "the batch in flight completed, the rest was left: " + completions.size()
                                + "\n" + child.logText());
                Set<String> sentJobs = requests.stream().map(JobRequest::jobId).collect(Collectors.toSet());
                Map<String, Long> perJob = completions.stream()
                        .collect(Collectors.groupingBy(Completion::jobId, Collectors.counting()));
                assertTrue(sentJobs.containsAll(perJob.keySet()), "completions for jobs never sent: " + perJob.keySet());
                perJob.forEach((job, n) -> assertEquals(1L, n, "completions of " + job));
                // Only the jobs on the device are finished on SIGTERM: at most SDFLEET_BATCH_MAX_IMAGES (4)
                // images share the device, every job here has 1 image, and with 1 s per UNet call (3 per job) the
                // first jobs were not done 1.5 s after the assignment, so no other job had been admitted.
                assertTrue(completions.size() <= 4,
                        "at most one batch of 4 single-image jobs was in flight: " + completions.size());
                Set<String> done = perJob.keySet();
                committedOffsetIsLastProcessedPlusOne(s, done);
            }
        }
    }
}
