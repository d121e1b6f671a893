package io.sdfleet.local.it.worker;

import static io.sdfleet.local.it.worker.DeliveryAssertions.committedOffsetIsLastProcessedPlusOne;
import static io.sdfleet.local.it.CompletionAssertions.everyRequestHasExactlyOneCompletion;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.common.JobRequest;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A device batch longer than max.poll.interval.ms (10 s against 6 s) causes no rebalance, because the poll
 * loop keeps polling (with paused partitions) while the batch runs; every job completes once. Transactions
 * on: a rebalance would also fence the transactional commit, so this is the stricter mode.
 */
@Tag("integration")
@Tag("slow")
@ExtendWith(LocalStackExtension.class)
class LongBatchTest {

    @Test
    void aBatchLongerThanMaxPollIntervalCausesNoRebalance(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "long", true)) {
            // 64x64 PNDM jobs of 2 steps: 3 UNet calls of 3.4 s each, a job ~10 s on the device, longer than
            // max.poll.interval.ms (6 s).
            Worker worker = s.startWorker("w", new FakePipeline(Duration.ofMillis(3400), 4).pipeline(), Map.of(
                    "SDFLEET_KAFKA_MAX_POLL_INTERVAL_MS", "6000",
                    "SDFLEET_MAX_PENDING_JOBS", "4",
                    "SDFLEET_REVOKE_TIMEOUT", "3s",
                    "SDFLEET_BATCH_MAX_WAIT", "1s"));
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                requests.add(s.request(i, 1));
            }
            requests.forEach(s::send);

            everyRequestHasExactlyOneCompletion(requests, s.completions(requests));
            assertEquals(0, worker.revocations(), "partitions revoked while the long batches ran");
            WorkerScenario.await("offsets committed", WorkerScenario.WAIT,
                    () -> s.committedOffsets().equals(WorkerDeliveryTest.nonEmpty(s.endOffsets())));
            committedOffsetIsLastProcessedPlusOne(s, s.sent.keySet());
        }
    }
}
