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
            FakePipeline pipelineA = new FakePipeline(Duration.ofMillis(70), 2);
            FakePipeline pipelineB = new FakePipeline(Duration.ofMillis(70), 2);
            Worker a = s.startWorker("a", pipelineA.pipeline(), Map.of());
            s.startWorker("b", pipelineB.pipeline(), Map.of());
            long warmUpCalls = pipelineA.unetCalls();
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                requests.add(s.request(i, 1));
                s.send(requests.get(i));
            }
            WorkerScenario.await("both workers ran jobs", WorkerScenario.WAIT,
                    () -> pipelineA.unetCalls() > warmUpCalls && pipelineB.unetCalls() > warmUpCalls);

            a.close(); // SIGTERM path: finish in flight, commit, leave the group

            for (int i = 24; i < 36; i++) {
                requests.add(s.request(i, 1));
                s.send(requests.get(i));
            }
            List<Completion> completions = s.completions(requests);
            Map<String, Completion> byJob = deliveredPerMode(s, requests, completions);
            objectsMatchTheCompletions(s, byJob);
            long bAfterLeave = pipelineB.unetCalls();
            assertTrue(bAfterLeave >= warmUpCalls + 12 * 3, "the remaining worker took over: " + bAfterLeave
                    + " UNet calls (3 per job)");
            WorkerScenario.await("offsets committed", WorkerScenario.WAIT,
                    () -> s.committedOffsets().equals(WorkerDeliveryTest.nonEmpty(s.endOffsets())));
            committedOffsetIsLastProcessedPlusOne(s, s.sent.keySet());
        }
    }
}
