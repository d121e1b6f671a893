package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.demo.InProcessWorker;
import io.sdfleet.local.demo.ModelLocator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job's PNG does not depend on the micro-batch it ran in, through the whole fleet path: the same request
 * run alone (a worker that never waits for company) and again, under a new job id, among three other
 * compatible jobs (a worker that waits long enough to batch them) gives the same bytes. The completion's
 * batchSize proves which case each was. On both tiny models: the random-weight one and the trained one, whose
 * pictures have structure a batching bug would show in.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class BatchInvarianceEndToEndTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ModelLocator.RANDOM_MODEL, ModelLocator.BUNDLED_MODEL})
    void aJobAloneAndInsideABatchMakesTheSameBytes(String model, LocalStack stack) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-batch", model)) {
            JobRequest shape = JobRequest.builder("shape").size(64, 64).steps(3).scheduler(SchedulerName.EULER).build();
            InProcessWorker alone = s.startWorker("alone", Map.of("SDFLEET_BATCH_MAX_WAIT", "0ms"));
            JobRequest job = s.submit(List.of(shape.toBuilder().prompt("a lone job, same bytes anywhere")
                    .guidanceScale(6.0).build())).get(0);
            Completion single = s.awaitCompletions(List.of(job.jobId())).get(job.jobId());
            assertEquals(CompletionStatus.SUCCEEDED, single.status(), () -> String.valueOf(single.error()));
            assertEquals(1, single.batchSize(), "the first run is alone");
            s.stopWorker(alone);

            s.startWorker("batching", Map.of("SDFLEET_BATCH_MAX_WAIT", "5s"));
            JobRequest again = job.toBuilder().jobId(null).build();
            List<JobRequest> mixed = s.submit(List.of(
                    shape.toBuilder().prompt("company one").seed(11L).build(),
                    again,
                    shape.toBuilder().prompt("company two, other guidance").seed(12L).guidanceScale(9.0).build(),
                    shape.toBuilder().prompt("company three").seed(13L).build()));
            JobRequest sameRequest = mixed.get(1);
            Map<String, Completion> batch = s.awaitCompletions(mixed.stream().map(JobRequest::jobId).toList());

            Completion batched = batch.get(sameRequest.jobId());
            assertEquals(CompletionStatus.SUCCEEDED, batched.status(), () -> String.valueOf(batched.error()));
            assertTrue(batched.batchSize() > 1, "the second run must be batched, batchSize " + batched.batchSize());
            assertEquals(job.seed(), sameRequest.seed());
            assertArrayEquals(s.image(single, 0), s.image(batched, 0), "alone vs in a batch of " + batched.batchSize());
            System.out.printf("e2e batching (%s): same bytes alone and in a batch of %d%n", model, batched.batchSize());
        }
    }
}
