package io.sdfleet.local.it.worker;

import static io.sdfleet.local.it.worker.DeliveryAssertions.committedOffsetIsLastProcessedPlusOne;
import static io.sdfleet.local.it.worker.DeliveryAssertions.deliveredPerMode;
import static io.sdfleet.local.it.worker.DeliveryAssertions.objectsMatchTheCompletions;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two workers share the partitions; one of them leaving (graceful close: finish, commit, leave the group)
 * hands its partitions to the other and no job is lost (nor, with transactions, completed twice).
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class TwoWorkersTest {

    @ParameterizedTest(name = "transactions={0}")
    @ValueSource(booleans = {true, false})
    void oneLeavingHandsItsPartitionsOver(boolean transactions, LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "two", transactions)) {
            FakePipeline pipelineA = new FakePipeline(Duration.ofMillis(200), null, 2);
            FakePipeline pipelineB = new FakePipeline(Duration.ofMillis(200), null, 2);
            Worker a = s.startWorker("a", pipelineA, Map.of());
            s.startWorker("b", pipelineB, Map.of());
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                requests.add(s.request(i, 1));
                s.send(requests.get(i));
            }
            WorkerScenario.await("both workers ran jobs", WorkerScenario.WAIT,
                    () -> pipelineA.jobs() > 0 && pipelineB.jobs() > 0);

            a.close(); // SIGTERM path: finish in flight, commit, leave the group

            for (int i = 24; i < 36; i++) {
                requests.add(s.request(i, 1));
                s.send(requests.get(i));
            }
            List<Completion> completions = s.completions(requests);
            Map<String, Completion> byJob = deliveredPerMode(s, requests, completions);
            objectsMatchTheCompletions(s, byJob);
            assertTrue(pipelineB.jobs() >= 12, "the remaining worker took over: " + pipelineB.jobs());
            WorkerScenario.await("offsets committed", WorkerScenario.WAIT,
                    () -> s.committedOffsets().equals(WorkerDeliveryTest.nonEmpty(s.endOffsets())));
            committedOffsetIsLastProcessedPlusOne(s, s.sent.keySet());
        }
    }
}
