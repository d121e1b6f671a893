package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorCode;
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

/** A UNet call holds at most twice the image setting in items, and no more than a static-shape UNet's limit. */
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
                new PipelineSettings(maxBatchImages, 1));
    }

    private static JobRequest job(int images) {
        return JobRequest.builder("a cat").jobId("j").size(64, 64).steps(1).scheduler(SchedulerName.EULER).seed(5L)
                .numImages(images).build();
    }

    @Test
    void chunksHoldHalfTheUNetsLimitBecauseGuidanceDoublesTheBatch() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetMaxBatch = OptionalInt.of(4);
        JobResult result = pipeline(fakes, 8).generate(List.of(job(3))).get(0);
        assertTrue(result.succeeded());
        assertEquals(List.of(4, 2), fakes.unetBatches, "2 guided images (4 items), then 1 (2 items)");
    }

    @Test
    void theSettingCapsChunksWhenItIsSmallerThanTheUNetsLimit() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetMaxBatch = OptionalInt.of(16);
        pipeline(fakes, 2).generate(List.of(job(3)));
        assertEquals(List.of(4, 2), fakes.unetBatches);
    }

    @Test
    void aDynamicShapeUNetTakesTheSettingAsIs() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        pipeline(fakes, 3).generate(List.of(job(3)));
        assertEquals(List.of(6), fakes.unetBatches);
    }

    @Test
    void aSizeTheUNetCannotRunFailsTheJobsWithUnsupportedSize() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetMaxBatch = OptionalInt.of(1);
        JobResult result = pipeline(fakes, 4).generate(List.of(job(1))).get(0);
        assertFalse(result.succeeded());
        assertEquals(ErrorCode.UNSUPPORTED_SIZE.code(), result.error().code());
        assertEquals(0, fakes.unetCalls);
    }

    @Test
    void maxItemsRule() {
        assertEquals(8, ModelConstraints.maxItems(4, OptionalInt.empty()));
        assertEquals(8, ModelConstraints.maxItems(4, OptionalInt.of(9)));
        assertEquals(3, ModelConstraints.maxItems(4, OptionalInt.of(3)));
        assertEquals(1, ModelConstraints.maxItems(4, OptionalInt.of(1)));
        assertEquals(0, ModelConstraints.maxItems(4, OptionalInt.of(0)));
    }

    @Test
    void anUnguidedJobTakesOneItemPerImage() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetMaxBatch = OptionalInt.of(4);
        JobRequest unguided = job(3).toBuilder().guidanceScale(1).build();
        assertTrue(pipeline(fakes, 8).generate(List.of(unguided)).get(0).succeeded());
        assertEquals(List.of(3), fakes.unetBatches, "3 unguided images are 3 items: one call");
    }
}
