package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.runtime.InferenceException;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who is at fault when a runtime call fails (FaultIsolation), over Java stand-in runtimes: a job the model
 * cannot process fails alone and is completed; a device that fails on everything is a DeviceFault; an
 * out-of-memory error is a DeviceFault without any isolation; known size constraints never reach the runtime.
 */
class PipelineFaultIsolationTest {
    private static final int STEPS = 2;
    private static ModelFolder folder;
    private static ClipTokenizer tokenizer;
    private static int[] poisonIds;

    @BeforeAll
    static void load() {
        folder = TinyPipeline.folder();
        tokenizer = ClipTokenizer.fromDirectory(folder.tokenizerDir());
        poisonIds = tokenizer.encode("poison");
    }

    private static FakeRuntimes poisoned() {
        FakeRuntimes fakes = new FakeRuntimes();
        Arrays.stream(poisonIds).filter(id -> id != tokenizer.startTokenId() && id != tokenizer.endTokenId())
                .forEach(fakes.poisonTokenIds::add);
        assertFalse(fakes.poisonTokenIds.isEmpty(), "the poison word has tokens of its own");
        return fakes;
    }

    private static StableDiffusionPipeline pipeline(FakeRuntimes fakes, int sizeMultiple) {
        return new StableDiffusionPipeline("fake", fakes.runtimes(), tokenizer,
                SchedulerConfig.read(folder.schedulerConfig()), folder.vaeScalingFactor(), sizeMultiple,
                new PipelineSettings(4, 2, 3));
    }

    private static JobRequest job(String id, String prompt, long seed) {
        return JobRequest.builder(prompt).jobId(id).size(64, 64).steps(STEPS).scheduler(SchedulerName.EULER)
                .seed(seed).build();
    }

    private static void assertSameImages(JobResult expected, JobResult actual) {
        assertTrue(actual.succeeded(), () -> actual.jobId() + ": " + actual.error());
        assertEquals(expected.images().size(), actual.images().size());
        for (int i = 0; i < expected.images().size(); i++) {
            assertArrayEquals(expected.images().get(i).image().rgb(), actual.images().get(i).image().rgb(),
                    actual.jobId() + " image " + i);
        }
    }

    @Test
    void aJobTheModelCannotProcessFailsAloneAndTheOthersKeepTheirImages() throws Exception {
        List<JobRequest> clean = List.of(job("a", "a cat", 1), job("c", "a dog", 3));
        List<JobResult> expected = pipeline(new FakeRuntimes(), 64).run(clean);

        FakeRuntimes fakes = poisoned();
        StableDiffusionPipeline pipeline = pipeline(fakes, 64);
        List<JobResult> results = pipeline.run(List.of(clean.get(0), job("b", "a poison apple", 2), clean.get(1)));

        assertEquals(List.of("a", "b", "c"), results.stream().map(JobResult::jobId).toList());
        assertSameImages(expected.get(0), results.get(0));
        assertSameImages(expected.get(1), results.get(2));
        JobResult poison = results.get(1);
        assertFalse(poison.succeeded());
        assertEquals(JobErrorCodes.MODEL_ERROR, poison.error().code());
        assertEquals(List.of(), poison.images());
        assertTrue(poison.error().message().contains("Concat node: mismatched dimensions"), poison.error()::message);
        assertTrue(poison.error().message().contains("other jobs of its batch ran"), poison.error()::message);
        assertFalse(poison.error().message().contains("\tat "), "no stack trace: " + poison.error().message());
        // the batch (1 call), then a and c alone (STEPS calls each) and b alone twice (1 call each); no probe
        assertEquals(1 + 2 * STEPS + 2, fakes.unetCalls);
    }

    @Test
    void aPoisonJobNeverBecomesADeviceFaultHoweverOftenItComes() throws Exception {
        StableDiffusionPipeline pipeline = pipeline(poisoned(), 64);
        JobRequest poison = job("p", "poison", 7);
        for (int attempt = 0; attempt < 5; attempt++) { // more than maxConsecutiveDeviceFaults (3)
            JobResult result = pipeline.run(List.of(poison)).get(0);
            assertEquals(JobErrorCodes.MODEL_ERROR, result.error().code(), "attempt " + attempt);
            assertTrue(result.error().message().contains("64x64 1-step probe ran"), result.error()::message);
        }
    }

    @Test
    void aRuntimeThatFailsOnEverythingIsADeviceFaultAfterOneBoundedIsolationPass() {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetFailure = FakeRuntimes::inferenceFailure;
        StableDiffusionPipeline pipeline = pipeline(fakes, 64);
        List<JobRequest> batch = List.of(job("a", "a cat", 1), job("b", "a dog", 2));

        DeviceFault fault = assertThrows(DeviceFault.class, () -> pipeline.run(batch));

        assertFalse(fault.fatal());
        assertInstanceOf(InferenceException.class, fault.getCause());
        assertTrue(fault.getMessage().contains("probe failed too"), fault.getMessage());
        assertEquals(1 + 2 * 2 + 1, fakes.unetCalls,
                "the batch, each job alone twice, one probe: each stops at its first call");
        assertFalse(assertThrows(DeviceFault.class, () -> pipeline.run(batch)).fatal());
        assertTrue(assertThrows(DeviceFault.class, () -> pipeline.run(batch)).fatal(),
                "one count per batch: the third failed batch in a row reaches the limit of 3");
    }

    @Test
    void aSingleJobBatchHitByAOneOffFailureRunsAgainAndGetsItsImages() throws Exception {
        JobRequest cat = job("a", "a cat", 1);
        JobResult expected = pipeline(new FakeRuntimes(), 64).run(List.of(cat)).get(0);
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetOneOffFailuresLeft = 1;

        JobResult result = pipeline(fakes, 64).run(List.of(cat)).get(0);

        assertSameImages(expected, result);
    }

    @Test
    void aJobWhoseSoloRunHitsAOneOffFailureRunsAloneOnceMore() throws Exception {
        List<JobRequest> batch = List.of(job("a", "a cat", 1), job("b", "a dog", 2));
        List<JobResult> expected = pipeline(new FakeRuntimes(), 64).run(batch);
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetOneOffFailuresLeft = 2; // the batch's first call, then a's first solo call

        List<JobResult> results = pipeline(fakes, 64).run(batch);

        assertSameImages(expected.get(0), results.get(0));
        assertSameImages(expected.get(1), results.get(1));
    }

    @Test
    void theProbeRunsAtTheFailedBatchsOwnSizeSoStaticEnginesCanTellAPoisonJob() throws Exception {
        FakeRuntimes fakes = poisoned();
        fakes.unetMaxBatch = java.util.OptionalInt.of(8);
        fakes.unetOnlyLatentSide = 16; // engines for 128x128 images only, none for the smallest size 64x64
        JobRequest poison = JobRequest.builder("poison").jobId("p").size(128, 128).steps(STEPS)
                .scheduler(SchedulerName.EULER).seed(7L).build();

        JobResult result = pipeline(fakes, 64).run(List.of(poison)).get(0);

        assertEquals(JobErrorCodes.MODEL_ERROR, result.error().code());
        assertTrue(result.error().message().contains("128x128 1-step probe ran"), result.error()::message);
    }

    @Test
    void outOfMemoryIsADeviceFaultAtOnceWithoutIsolation() {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetFailure = () -> new OutOfMemoryError("simulated");
        StableDiffusionPipeline pipeline = pipeline(fakes, 64);

        DeviceFault fault = assertThrows(DeviceFault.class,
                () -> pipeline.run(List.of(job("a", "a cat", 1), job("b", "a dog", 2))));

        assertFalse(fault.fatal());
        assertInstanceOf(OutOfMemoryError.class, fault.getCause());
        assertEquals(1, fakes.unetCalls, "no job is re-run after an out-of-memory error");
    }

    @Test
    void aBatchThatFailsOnlyAsAWholeGivesEveryJobItsImagesFromTheSingleRuns() throws Exception {
        List<JobRequest> batch = List.of(job("a", "a cat", 1), job("b", "a dog", 2), job("c", "a cow", 3));
        List<JobResult> expected = pipeline(new FakeRuntimes(), 64).run(batch);
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetFailsAboveBatch = 2; // one guided job is a UNet batch of 2

        List<JobResult> results = pipeline(fakes, 64).run(batch);

        for (int j = 0; j < batch.size(); j++) {
            assertSameImages(expected.get(j), results.get(j));
        }
    }

    @Test
    void aSizeOffTheUNetsMultipleFailsBeforeAnyRuntimeCall() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        JobRequest odd = JobRequest.builder("a cat").jobId("odd").size(64, 72).steps(STEPS).seed(1L).build();

        JobResult result = pipeline(fakes, 64).run(List.of(odd)).get(0);

        assertEquals(JobErrorCodes.UNSUPPORTED_SIZE, result.error().code());
        assertTrue(result.error().message().startsWith(
                "64x72: this model takes sizes that are multiples of 64 pixels; try 64x64 or 64x128"),
                result.error()::message);
        assertEquals(0, fakes.unetCalls);
        assertEquals(List.of(), fakes.encoderCalls, "not even the text encoder runs");
    }
}
