package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A damaged device must not pass for a healthy one that fails every job: device-side errors are never blamed on
 * a job, a probe that fits does not reset the fault counters, and MODEL_ERRORs with only a probe as evidence are
 * fatal when too many come in a row.
 */
class DeviceFaultAttributionTest {
    private static ModelFolder folder;
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() {
        folder = TinyPipeline.folder();
        tokenizer = ClipTokenizer.fromDirectory(folder.tokenizerDir());
    }

    private static StableDiffusionPipeline pipeline(FakeRuntimes fakes) {
        return new StableDiffusionPipeline("fake", fakes.runtimes(), tokenizer,
                SchedulerConfig.read(folder.schedulerConfig()), folder.vaeScalingFactor(), 64,
                new PipelineSettings(4, 2, 3));
    }

    private static JobRequest job(String id, String prompt, int side) {
        return JobRequest.builder(prompt).jobId(id).size(side, side).steps(2).scheduler(SchedulerName.EULER)
                .seed(1L).build();
    }

    @Test
    void aJobThatCannotGetDeviceMemoryAloneIsADeviceFaultNotAModelErrorEvenWhenTheProbeFits() {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetAllocationFailsAboveLatentSide = 8; // 64x64 (latent 8) fits, 128x128 does not
        StableDiffusionPipeline pipeline = pipeline(fakes);

        DeviceFault fault = assertThrows(DeviceFault.class, () -> pipeline.run(List.of(job("a", "a cat", 128))));

        assertFalse(fault.fatal());
        assertTrue(fault.getMessage().contains("Failed to allocate memory"), fault.getMessage());
    }

    @Test
    void aCudaErrorIsADeviceFaultAtOnceWithoutIsolation() {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetFailure = () -> new InferenceException("simulated: CUDA error cudaErrorIllegalAddress: an illegal"
                + " memory access was encountered", null);
        StableDiffusionPipeline pipeline = pipeline(fakes);

        assertThrows(DeviceFault.class, () -> pipeline.run(List.of(job("a", "a cat", 64), job("b", "a dog", 64))));

        assertEquals(1, fakes.unetCalls, "no job is re-run and no probe runs after a CUDA error");
    }

    @Test
    void modelErrorsWithOnlyAProbeAsEvidenceBecomeFatalAfterTheLimitUnlessARealJobRuns() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        Arrays.stream(tokenizer.encode("poison"))
                .filter(id -> id != tokenizer.startTokenId() && id != tokenizer.endTokenId())
                .forEach(fakes.poisonTokenIds::add);
        StableDiffusionPipeline pipeline = pipeline(fakes);
        JobRequest poison = job("p", "poison", 64);
        int limit = RuntimeCallGuard.MAX_CONSECUTIVE_MODEL_ERRORS;

        for (int i = 0; i < limit - 1; i++) {
            assertEquals(JobErrorCodes.MODEL_ERROR, pipeline.run(List.of(poison)).get(0).error().code());
        }
        assertTrue(pipeline.run(List.of(job("c", "a cat", 64))).get(0).succeeded(), "a real job resets the count");
        for (int i = 0; i < limit - 1; i++) {
            assertEquals(JobErrorCodes.MODEL_ERROR, pipeline.run(List.of(poison)).get(0).error().code());
        }
        DeviceFault fault = assertThrows(DeviceFault.class, () -> pipeline.run(List.of(poison)));
        assertTrue(fault.fatal(), fault.getMessage());
        assertTrue(fault.getMessage().contains(limit + " jobs in a row"), fault.getMessage());
    }
}
