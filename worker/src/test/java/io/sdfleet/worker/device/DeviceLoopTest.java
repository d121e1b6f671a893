package io.sdfleet.worker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.Stage;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.device.DeviceSettings.Batching;
import io.sdfleet.worker.kafka.Jobs;
import io.sdfleet.worker.kafka.LiveSessions;
import io.sdfleet.worker.kafka.MutableClock;
import io.sdfleet.worker.kafka.PartitionOffsets;
import io.sdfleet.worker.kafka.PendingJob;
import io.sdfleet.worker.kafka.WorkInbox;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.observe.WorkerMetrics;
import io.sdfleet.worker.pipeline.FakeRuntimes;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.pipeline.TinyPipeline;
import io.sdfleet.worker.runtime.InferenceException;
import io.sdfleet.worker.store.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The device loop turn by turn, over fake runtimes that record every call: who shares a UNet call, when jobs
 * join and leave, how sizes alternate, static against continuous batching, decode pacing, and what happens on
 * each kind of failure, on a revoked partition, a deadline and a drain.
 */
class DeviceLoopTest {

    private final FakeRuntimes fakes = new FakeRuntimes();
    private DeviceHarness h;
    private DeviceLoop loop;

    private DeviceLoop loop(Batching batching, int maxImages, int decodePerStep) {
        StableDiffusionPipeline pipeline = fakes.pipeline(new PipelineSettings(maxImages, 1));
        h = new DeviceHarness(pipeline, batching, maxImages, decodePerStep);
        loop = h.loop;
        return loop;
    }

    private static JobRequest.Builder job(String id, int steps, SchedulerName scheduler) {
        return JobRequest.builder("a prompt for " + id).jobId(id).seed(7L).size(64, 64).steps(steps)
                .scheduler(scheduler);
    }

    private PendingJob add(JobRequest request) {
        return h.add(request);
    }

    private void turns(int n) throws InterruptedException {
        h.turns(n);
    }

    private void runUntilIdle() throws InterruptedException {
        h.runUntilIdle();
    }

    private JobOutcome outcome(String jobId) {
        return h.outcome(jobId);
    }

    @Test
    void jobsOfOneSizeShareEveryUNetCallWhateverTheirStepsSchedulerAndGuidance() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("long", 4, SchedulerName.DDIM).build()); // guided: 2 items
        add(job("short", 2, SchedulerName.EULER_ANCESTRAL).guidanceScale(1).build()); // unguided: 1 item
        runUntilIdle();
        assertEquals(List.of(3, 3, 2, 2), fakes.unetBatches, "both jobs in the first two calls, then the long one");
        float[] first = fakes.unetTimesteps.get(0);
        assertTrue(first[0] != first[2], "each item at its own job's timestep: " + java.util.Arrays.toString(first));
        assertEquals(CompletionStatus.SUCCEEDED, outcome("long").status());
        assertEquals(CompletionStatus.SUCCEEDED, outcome("short").status());
        assertEquals(2, outcome("long").batchJobs(), "it shared calls with one other job");
        assertEquals(List.of("short", "long"), h.outcomes.stream().map(o -> o.job().jobId()).toList(),
                "the short job left as soon as it was done");
        for (Stage stage : List.of(Stage.QUEUE, Stage.TOKENIZE, Stage.ENCODE, Stage.DENOISE, Stage.DECODE)) {
            assertTrue(outcome("long").timings().get(stage).isPresent(), stage.key());
        }
    }

    /**
     * A job past its deadline is never run, even when it reaches the waiting queue between the turn's expiry
     * sweep and its admission (the poll thread adds jobs at any time). Before, such a job was admitted and
     * SUCCEEDED although its deadline had passed (seen as a flaky WorkerDeliveryTest).
     */
    @Test
    void aJobPastItsDeadlineThatArrivesAfterTheSweepIsStillExpiredNotRun() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        java.time.Instant past = h.clock.instant().minusSeconds(60);
        add(job("swept", 2, SchedulerName.DDIM).deadline(past).build());
        h.onOutcome = o -> {
            if (o.job().jobId().equals("swept")) {
                add(job("late", 2, SchedulerName.DDIM).deadline(past).build()); // between sweep and admission
            }
        };
        turns(1);
        runUntilIdle();
        assertEquals(CompletionStatus.EXPIRED, outcome("swept").status());
        assertEquals(CompletionStatus.EXPIRED, outcome("late").status(), "admitted after its deadline");
        assertEquals(List.of(), fakes.unetBatches, "nothing ran");
    }

    @Test
    void aJobThatArrivesLaterJoinsTheRunningSetAtTheNextCall() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("first", 5, SchedulerName.DDIM).build());
        turns(2);
        add(job("joiner", 3, SchedulerName.UNIPC).build());
        runUntilIdle();
        assertEquals(List.of(2, 2, 4, 4, 4), fakes.unetBatches, "the joiner shares the first job's last 3 calls");
        assertEquals(2, fakes.encoderCalls.size(), "each job's prompts were encoded when it joined");
    }

    @Test
    void aCallNeverHoldsMoreItemsThanTheLimitAndWaitingJobsJoinAsRoomFrees() throws Exception {
        loop(Batching.CONTINUOUS, 2, 1); // 4 items: two guided images
        add(job("a", 2, SchedulerName.EULER).build());
        add(job("b", 2, SchedulerName.EULER).build());
        add(job("c", 2, SchedulerName.EULER).build());
        runUntilIdle();
        assertTrue(fakes.unetBatches.stream().allMatch(items -> items <= 4), fakes.unetBatches.toString());
        assertEquals(List.of(4, 4, 2, 2), fakes.unetBatches);
    }

    @Test
    void aJobWithMoreImagesThanACallHoldsRunsItsImagesAsRoomFrees() throws Exception {
        loop(Batching.CONTINUOUS, 2, 8);
        add(job("three", 2, SchedulerName.LMS).numImages(3).build());
        runUntilIdle();
        assertEquals(List.of(4, 4, 2, 2), fakes.unetBatches);
        assertEquals(3, outcome("three").images().size());
        assertEquals(List.of(0, 1, 2), outcome("three").images().stream().map(i -> i.index()).toList());
    }

    @Test
    void sizesTakeTurnsSoNoSizeStarves() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("small", 3, SchedulerName.EULER).build());
        add(job("wide", 3, SchedulerName.EULER).size(128, 64).build());
        runUntilIdle();
        assertEquals(List.of("8x8", "8x16", "8x8", "8x16", "8x8", "8x16"), fakes.unetShapes);
    }

    @Test
    void theFullestSizeGoesFirstButNoSizeWaitsMoreThanTwoTurnsPerSize() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        for (int i = 0; i < 4; i++) {
            add(job("small-" + i, 8, SchedulerName.EULER).build()); // 8 items: a full call
        }
        add(job("wide", 8, SchedulerName.EULER).size(128, 64).build()); // 2 of 8 items
        turns(12);
        List<String> shapes = fakes.unetShapes;
        assertEquals("8x8", shapes.get(0), "the full size first");
        int wideFirst = shapes.indexOf("8x16");
        assertTrue(wideFirst > 0 && wideFirst <= 4, "the other size within two turns per size: " + shapes);
        for (int i = 0; i + 4 < shapes.size(); i++) {
            assertTrue(shapes.subList(i, i + 5).contains("8x16") || !shapes.subList(i, shapes.size()).contains("8x16"),
                    "never more than four turns without the wide size while it has work: " + shapes);
        }
    }

    @Test
    void aSizeHoldingOlderRequestsGoesFirstAndAYoungerOneWaitsForItsTurnInAge() throws Exception {
        // Saturation: both sizes have a full call's worth (8 items). Taking them in turn would give the dearer size
        // as many calls as the other, whatever the traffic; the older requests go first instead, and the younger
        // size, though it waited more than two turns per size, does not overtake them.
        loop(Batching.CONTINUOUS, 4, 1);
        for (int i = 0; i < 4; i++) {
            add(job("small-" + i, 6, SchedulerName.EULER).build()); // 8 items, produced first
        }
        h.clock.advance(Duration.ofSeconds(1));
        add(job("wide", 6, SchedulerName.EULER).size(128, 64).numImages(4).build()); // 8 items, produced later
        turns(12);
        assertEquals(List.of("8x8", "8x8", "8x8", "8x8", "8x8", "8x8", "8x16", "8x16", "8x16", "8x16", "8x16",
                "8x16"), fakes.unetShapes.subList(0, 12));
    }

    @Test
    void aStarvingSizeOnTheDeviceDoesNotOvertakeOlderRequestsThatArrivedAfterIt() throws Exception {
        // The wide job is on the device first; older requests (produced earlier, taken later) of the other size
        // then run before it, though it waits more than two turns per size.
        loop(Batching.CONTINUOUS, 4, 1);
        h.clock.advance(Duration.ofSeconds(1));
        add(job("wide", 6, SchedulerName.EULER).size(128, 64).numImages(4).build()); // 8 items
        turns(1);
        h.clock.advance(Duration.ofSeconds(-1));
        for (int i = 0; i < 4; i++) {
            add(job("small-" + i, 4, SchedulerName.EULER).build()); // 8 items, produced a second before "wide"
        }
        turns(7);
        assertEquals(List.of("8x16", "8x8", "8x8", "8x8", "8x8", "8x16", "8x16", "8x16"), fakes.unetShapes);
    }

    @Test
    void aStarvingSizeWithRequestsAsOldAsTheOthersIsServedWithinTwoTurnsPerSize() throws Exception {
        // A younger request of the full size, the starving size's as old as its oldest: turns, not age, decide.
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("wide", 8, SchedulerName.EULER).size(128, 64).build()); // 2 of 8 items, produced first
        for (int i = 0; i < 4; i++) {
            add(job("small-" + i, 8, SchedulerName.EULER).build()); // 8 items: a full call
        }
        turns(8);
        assertEquals("8x8", fakes.unetShapes.get(0), "the full size first");
        assertTrue(fakes.unetShapes.subList(0, 5).contains("8x16"), "within two turns per size: " + fakes.unetShapes);
    }

    @Test
    void staticBatchingRunsOneBatchOfOneKeyToItsEndBeforeTheNext() throws Exception {
        loop(Batching.STATIC, 4, 1);
        add(job("a", 3, SchedulerName.EULER).build());
        add(job("other-steps", 2, SchedulerName.EULER).build());
        add(job("b", 3, SchedulerName.EULER).build());
        h.clock.advance(Duration.ofMillis(50));
        runUntilIdle();
        assertEquals(List.of(4, 4, 4, 2, 2), fakes.unetBatches, "a and b together, then the other key alone");
        assertEquals(3, h.outcomes.size());
    }

    @Test
    void finishedImagesAreDecodedAFewPerCallWhileOthersDenoiseAndAllAtOnceWhenIdle() throws Exception {
        loop(Batching.CONTINUOUS, 8, 1);
        add(job("quick", 1, SchedulerName.EULER).numImages(3).build());
        add(job("slow", 4, SchedulerName.EULER).build());
        turns(1);
        assertEquals(List.of(1), fakes.vaeBatches, "one image decoded after the first call: the slow job waits");
        turns(1);
        assertEquals(List.of(1, 1), fakes.vaeBatches);
        runUntilIdle();
        assertTrue(fakes.vaeBatches.stream().mapToInt(Integer::intValue).sum() == 4, fakes.vaeBatches.toString());
    }

    @Test
    void aJobTheModelCannotProcessFailsAloneAndTheOthersFinish() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        ClipTokenizer tokenizer = ClipTokenizer.fromDirectory(TinyPipeline.folder().tokenizerDir());
        fakes.poisonTokenIds.add(tokenizer.tokenize("zebra").inputIds()[1]);
        add(job("fine", 3, SchedulerName.EULER).build());
        add(job("poison", 3, SchedulerName.DDIM).prompt("a zebra").build());
        runUntilIdle();
        assertEquals(CompletionStatus.SUCCEEDED, outcome("fine").status());
        assertEquals(ErrorCode.MODEL_ERROR.code(), outcome("poison").error().code());
        assertTrue(outcome("poison").error().message().contains("other jobs of the call ran"),
                outcome("poison").error().message());
    }

    @Test
    void aDeviceThatKeepsFailingStopsTheWorkerAtTheFaultLimit() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("a", 3, SchedulerName.EULER).build());
        fakes.unetFailure = () -> new InferenceException("CUDA error: an illegal memory access was encountered", null);
        turns(2); // two device faults: the job is kept
        assertTrue(h.outcomes.isEmpty(), "nothing completed or failed: " + h.outcomes);
        WorkerFatalException fatal = assertThrows(WorkerFatalException.class, () -> loop.turn());
        assertTrue(fatal.getMessage().contains("3 device fault(s) in a row"), fatal.getMessage());
    }

    @Test
    void aDeviceThatRecoversKeepsTheJobsAndFinishesThem() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("a", 2, SchedulerName.EULER).build());
        fakes.unetFailure = () -> new InferenceException("CUDA error: an illegal memory access was encountered", null);
        turns(2);
        fakes.unetFailure = null;
        runUntilIdle();
        assertEquals(CompletionStatus.SUCCEEDED, outcome("a").status());
    }

    @Test
    void aBatchTooLargeForTheDeviceRunsJobByJobWithTheSameImages() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("a", 2, SchedulerName.EULER).build());
        add(job("b", 2, SchedulerName.EULER).build());
        fakes.unetFailsAboveBatch = 2;
        runUntilIdle();
        assertEquals(CompletionStatus.SUCCEEDED, outcome("a").status());
        assertEquals(CompletionStatus.SUCCEEDED, outcome("b").status());
    }

    @Test
    void theJobsOfARevokedPartitionLeaveTheDevice() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        TopicPartition p1 = new TopicPartition(Jobs.P0.topic(), 1);
        add(job("stays", 4, SchedulerName.EULER).build());
        h.add(p1, job("revoked", 4, SchedulerName.EULER).build());
        turns(1);
        assertEquals(List.of(4), fakes.unetBatches);
        h.offsets.forget(p1); // the poll thread ended the partition's session (revoke, rewind)
        runUntilIdle();
        assertEquals(List.of(4, 2, 2, 2), fakes.unetBatches, "the revoked job left after one step");
        assertEquals(List.of("stays"), h.outcomes.stream().map(o -> o.job().jobId()).toList(), "no outcome: redelivered");
    }

    @Test
    void aJobPastItsDeadlineCompletesExpiredWithoutRunning() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("late", 4, SchedulerName.EULER).deadline(h.clock.instant()).build());
        turns(1);
        assertEquals(CompletionStatus.EXPIRED, outcome("late").status());
        assertEquals(ErrorCode.DEADLINE_EXCEEDED.code(), outcome("late").error().code());
        assertEquals(0, fakes.unetCalls);
    }

    @Test
    void aSizeTheUNetCannotRunFailsItsJobUnsupportedSizeAndTheLoopGoesOn() throws Exception {
        fakes.unetOnlyLatentSide = 16; // engines for 128x128 only
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("off-size", 2, SchedulerName.EULER).build());
        add(job("served", 2, SchedulerName.EULER).size(128, 128).build());
        runUntilIdle();
        assertEquals(ErrorCode.UNSUPPORTED_SIZE.code(), outcome("off-size").error().code());
        assertEquals(CompletionStatus.SUCCEEDED, outcome("served").status());
    }

    @Test
    void aDrainingWorkerFinishesTheJobsOnTheDeviceAndAdmitsNoOther() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("on-device", 3, SchedulerName.EULER).build());
        turns(1);
        h.controller.requestDrain(Duration.ofSeconds(5));
        add(job("too-late", 3, SchedulerName.EULER).build());
        runUntilIdle();
        assertEquals(List.of("on-device"), h.outcomes.stream().map(o -> o.job().jobId()).toList());
        assertEquals(1, h.waiting.size(), "left waiting (the poll thread drops it for redelivery)");
    }

    @Test
    void theInFlightCountFollowsTheJobsTheDeviceHolds() throws Exception {
        loop(Batching.CONTINUOUS, 4, 1);
        add(job("a", 2, SchedulerName.EULER).build());
        turns(1);
        assertEquals(1, h.inbox.inFlight());
        assertEquals(1, loop.jobsOnDevice());
        Map<String, Long> none = h.outcomes.stream().collect(Collectors.groupingBy(o -> o.job().jobId(),
                Collectors.counting()));
        assertTrue(none.isEmpty());
    }
}
