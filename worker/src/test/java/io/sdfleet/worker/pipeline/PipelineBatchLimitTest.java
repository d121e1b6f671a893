package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline sizes its chunks by the UNet's own batch limit (static-shape runtimes), whatever the runtime. */
class PipelineBatchLimitTest {
    private static ModelFolder folder;
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void loadTokenizer() {
        folder = TinyPipeline.folder();
        tokenizer = ClipTokenizer.fromDirectory(folder.tokenizerDir());
    }

    private static StableDiffusionPipeline pipeline(FakeRuntimes fakes, int maxBatchImages) {
        return new StableDiffusionPipeline("fake", fakes.runtimes(), tokenizer,
                SchedulerConfig.read(folder.schedulerConfig()), folder.vaeScalingFactor(), folder.unetSizeMultiple(),
                new PipelineSettings(maxBatchImages, 1, 3));
    }

    private static JobRequest job(int images) {
        return JobRequest.builder("a cat").jobId("j").size(64, 64).steps(1).scheduler(SchedulerName.EULER).seed(5L)
                .numImages(images).build();
    }

    @Test
    void chunksHoldHalfTheUNetsLimitBecauseGuidanceDoublesTheBatch() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetMaxBatch = OptionalInt.of(4);
        JobResult result = pipeline(fakes, 8).run(List.of(job(3))).get(0);
        assertTrue(result.succeeded());
        assertEquals(List.of(4, 2), fakes.unetBatches, "2 guided images (4 items), then 1 (2 items)");
    }

    @Test
    void theSettingCapsChunksWhenItIsSmallerThanTheUNetsLimit() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetMaxBatch = OptionalInt.of(16);
        pipeline(fakes, 2).run(List.of(job(3)));
        assertEquals(List.of(4, 2), fakes.unetBatches);
    }

    @Test
    void aDynamicShapeUNetTakesTheSettingAsIs() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        pipeline(fakes, 3).run(List.of(job(3)));
        assertEquals(List.of(6), fakes.unetBatches);
    }

    @Test
    void aSizeTheUNetCannotRunFailsTheJobsWithUnsupportedSize() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetMaxBatch = OptionalInt.of(1);
        JobResult result = pipeline(fakes, 4).run(List.of(job(1))).get(0);
        assertFalse(result.succeeded());
        assertEquals(JobErrorCodes.UNSUPPORTED_SIZE, result.error().code());
        assertEquals(0, fakes.unetCalls);
    }

    @Test
    void imagesPerChunkRule() {
        assertEquals(OptionalInt.of(4), StableDiffusionPipeline.imagesPerChunk(4, OptionalInt.empty()));
        assertEquals(OptionalInt.of(4), StableDiffusionPipeline.imagesPerChunk(4, OptionalInt.of(9)));
        assertEquals(OptionalInt.of(1), StableDiffusionPipeline.imagesPerChunk(4, OptionalInt.of(3)));
        assertEquals(OptionalInt.empty(), StableDiffusionPipeline.imagesPerChunk(4, OptionalInt.of(1)));
        assertEquals(OptionalInt.empty(), StableDiffusionPipeline.imagesPerChunk(4, OptionalInt.of(0)));
    }
}
