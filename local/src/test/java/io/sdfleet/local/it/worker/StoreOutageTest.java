package io.sdfleet.local.it.worker;

import static io.sdfleet.local.it.worker.DeliveryAssertions.committedOffsetIsLastProcessedPlusOne;
import static io.sdfleet.local.it.CompletionAssertions.everyRequestHasExactlyOneCompletion;
import static io.sdfleet.local.it.worker.DeliveryAssertions.objectsMatchTheCompletions;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The object store down for a while: the jobs wait (their uploads are retried), nothing of them is
 * committed or completed while it is down, and they all complete once it is back.
 */
@Tag("integration")
@Tag("slow")
@ExtendWith(LocalStackExtension.class)
class StoreOutageTest {

    @ParameterizedTest(name = "transactions={0}")
    @ValueSource(booleans = {true, false})
    void jobsWaitForTheStoreAndCompleteWhenItIsBack(boolean transactions, LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "s3down", transactions)) {
            FakePipeline pipeline = new FakePipeline(Duration.ZERO, 4);
            s.startWorker("w", pipeline.pipeline(), Map.of());
            List<JobRequest> before = List.of(s.request(0, 1), s.request(1, 1));
            before.forEach(s::send);
            everyRequestHasExactlyOneCompletion(before, s.completions(before));
            WorkerScenario.await("first jobs committed", WorkerScenario.WAIT,
                    () -> s.committedOffsets().equals(WorkerDeliveryTest.nonEmpty(s.endOffsets())));
            Set<String> firstJobs = Set.copyOf(s.sent.keySet());

            List<JobRequest> during = new ArrayList<>();
            long callsBefore = pipeline.unetCalls();
            double retriesBefore = s.storeRetries();
            stack.s3().stop();
            try {
                for (int i = 2; i < 8; i++) {
                    during.add(s.request(i, 1 + i % 2));
                    s.send(during.get(during.size() - 1));
                }
                WorkerScenario.await("the worker ran jobs sent while the store is down and retries their uploads",
                        WorkerScenario.WAIT, () -> pipeline.unetCalls() > callsBefore && s.storeRetries() > retriesBefore);
                assertEquals(before.size(), s.read(s.corner.completions(), before.size() + 1, Duration.ofSeconds(1)).size(),
                        "no completion while the store is down");
                committedOffsetIsLastProcessedPlusOne(s, firstJobs);
            } finally {
                stack.s3().start();
            }
            List<JobRequest> all = new ArrayList<>(before);
            all.addAll(during);
            objectsMatchTheCompletions(s, everyRequestHasExactlyOneCompletion(all, s.completions(all)));
            WorkerScenario.await("all committed", WorkerScenario.WAIT,
                    () -> s.committedOffsets().equals(WorkerDeliveryTest.nonEmpty(s.endOffsets())));
            committedOffsetIsLastProcessedPlusOne(s, s.sent.keySet());
        }
    }
}
