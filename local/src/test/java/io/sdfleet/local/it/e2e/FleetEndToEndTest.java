package io.sdfleet.local.it.e2e;

import static io.sdfleet.local.it.e2e.FleetAssertions.everyJobStoredItsImages;
import static io.sdfleet.local.it.CompletionAssertions.everyRequestHasExactlyOneCompletion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.demo.CompletionCollector;
import io.sdfleet.local.demo.InProcessWorker;
import io.sdfleet.local.demo.StopSignal;
import io.sdfleet.common.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jobs through the whole fleet with the real pipeline: every request gets exactly one SUCCEEDED completion,
 * and its numImages PNGs are in S3 with the sha256 of the event, the requested size, and the generation
 * parameters in their text chunk. A request the model cannot run must fail alone, not take the worker down.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class FleetEndToEndTest {

    @Test
    void everyJobSucceedsWithItsImagesStored(LocalStack stack) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-jobs")) {
            s.startWorker("w1", Map.of());
            SchedulerName[] schedulers = SchedulerName.values();
            List<JobRequest> jobs = new ArrayList<>();
            for (int i = 0; i < schedulers.length; i++) {
                jobs.add(JobRequest.builder("end to end prompt " + i + ", a small test image")
                        .size(64 * (1 + i % 2), 64).steps(2 + i % 3).scheduler(schedulers[i])
                        .numImages(1 + i % 2).putMetadata("case", "e2e-" + i).build());
            }
            List<JobRequest> sent = s.submit(jobs);
            s.awaitCompletions(sent.stream().map(JobRequest::jobId).toList());
            int images = sent.stream().mapToInt(JobRequest::numImages).sum();

            Map<String, Completion> byJob = everyRequestHasExactlyOneCompletion(sent, s.allCompletions(sent.size()));

            everyJobStoredItsImages(s, sent, byJob);
            assertEquals(images, s.objectKeys().size());
            for (JobRequest r : sent) {
                assertEquals(r.metadata(), byJob.get(r.jobId()).request().metadata(), "metadata passed through");
            }
            System.out.printf("e2e: %d jobs (%d images, %d schedulers) succeeded with their PNGs checked%n",
                    sent.size(), images, schedulers.length);
        }
    }

    /**
     * 64x72 is a valid request (multiples of 8), but its 8x9 latents do not survive the UNet's down- and
     * up-sampling (the model's unet/config.json says sides must be multiples of 16 pixels for tiny-sd, 64 for
     * SD 1.x). The pipeline must fail the job up front with UNSUPPORTED_SIZE, complete it, and keep the worker
     * alive for the next job: a device fault would redeliver the request to every worker in turn (a poison
     * pill that stops the whole fleet).
     */
    @Test
    void aSizeTheUNetCannotTakeFailsTheJobNotTheWorker(LocalStack stack) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-odd-size")) {
            InProcessWorker worker = s.startWorker("w1", Map.of());
            List<JobRequest> sent = s.submit(List.of(
                    JobRequest.builder("odd latent size").size(64, 72).steps(2).build(),
                    JobRequest.builder("a good job after it").size(64, 64).steps(2).build()));

            CompletionCollector.Outcome outcome = CompletionCollector.collect(s.producer,
                    sent.stream().map(JobRequest::jobId).toList(), FleetScenario.WAIT, worker::isRunning,
                    new StopSignal(), c -> { });

            assertNull(outcome.stopReason(), () -> outcome.stopReason() + "; missing " + outcome.missing());
            assertTrue(worker.isRunning(), "the worker survived");
            Completion odd = outcome.completions().get(sent.get(0).jobId());
            assertEquals(CompletionStatus.FAILED, odd.status());
            assertNotNull(odd.error(), "a failed job says why");
            assertEquals(ErrorCode.UNSUPPORTED_SIZE.code(), odd.error().code());
            assertTrue(odd.error().message().startsWith("64x72: this model takes sizes that are multiples of"),
                    odd.error().message());
            assertEquals(List.of(), odd.images(), "a failed job stores no image");
            List<String> stored = s.objectKeys();
            assertEquals(1, stored.size(), () -> "only the good job's image is stored: " + stored);
            assertEquals(CompletionStatus.SUCCEEDED, outcome.completions().get(sent.get(1).jobId()).status());
            everyRequestHasExactlyOneCompletion(sent, s.allCompletions(sent.size()));
            assertTrue(worker.isRunning(), "the worker is still running after both completions");
        }
    }
}
