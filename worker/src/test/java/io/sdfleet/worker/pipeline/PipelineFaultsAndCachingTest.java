package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.runtime.TextEncoderRuntime;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pipeline's own logic over Java stand-in runtimes: prompt caching, fault policy, job-level errors. */
class PipelineFaultsAndCachingTest {
    private static ModelFolder folder;
    private static ClipTokenizer tokenizer;
    private FakeRuntimes fakes;
    private StableDiffusionPipeline pipeline;

    @BeforeAll
    static void loadTokenizer() {
        folder = TinyPipeline.folder();
        tokenizer = ClipTokenizer.fromDirectory(folder.tokenizerDir());
    }

    @BeforeEach
    void open() {
        fakes = new FakeRuntimes();
        pipeline = new StableDiffusionPipeline("fake", fakes.runtimes(), tokenizer,
                SchedulerConfig.read(folder.schedulerConfig()), folder.vaeScalingFactor(), folder.unetSizeMultiple(),
                new PipelineSettings(4, 2));
    }

    private static JobRequest.Builder job(String id, String prompt) {
        return JobRequest.builder(prompt).jobId(id).size(64, 64).steps(2).scheduler(SchedulerName.EULER).seed(1L);
    }

    @Test
    void encodesEachDistinctPromptOnceInOneCall() throws Exception {
        List<JobResult> results = pipeline.generate(List.of(
                job("a", "a cat").build(),
                job("b", "a cat").seed(2L).build(),
                job("c", "a dog").build(),
                job("d", "a dog").guidanceScale(1.0).negativePrompt("ignored").build()));

        assertEquals(4, results.size());
        assertEquals(1, fakes.encoderCalls.size(), "the text encoder runs once for jobs prepared together");
        int[][] rows = fakes.encoderCalls.get(0);
        assertEquals(3, rows.length, "rows: 'a cat', '' (shared negative), 'a dog'; the unguided job's negative "
                + "prompt is not encoded");
        int[] empty = new int[TextEncoderRuntime.SEQUENCE_LENGTH];
        Arrays.fill(empty, tokenizer.endTokenId());
        empty[0] = tokenizer.startTokenId();
        assertTrue(Arrays.stream(rows).anyMatch(r -> Arrays.equals(r, empty)),
                "the empty negative prompt encodes as [start, end x 76]");
    }

    @Test
    void aFailedCallIsClassifiedAndChangesNoTrajectory() throws Exception {
        List<Admission> admitted = pipeline.prepare(List.of(job("x", "a cat").build()));
        List<Trajectory> images = admitted.get(0).job().trajectories();
        fakes.unetFailure = FakeRuntimes::inferenceFailure;
        RuntimeCallFailure unattributed = assertThrows(RuntimeCallFailure.class, () -> pipeline.denoise(images));
        assertEquals(RuntimeCallFailure.Kind.UNATTRIBUTED, unattributed.kind());
        fakes.unetFailure = () -> new OutOfMemoryError("simulated");
        assertEquals(RuntimeCallFailure.Kind.OUT_OF_MEMORY,
                assertThrows(RuntimeCallFailure.class, () -> pipeline.denoise(images)).kind());
        fakes.unetFailure = () -> new UnsatisfiedLinkError("simulated");
        assertEquals(RuntimeCallFailure.Kind.BROKEN,
                assertThrows(RuntimeCallFailure.class, () -> pipeline.denoise(images)).kind());
        fakes.unetFailure = () -> new io.sdfleet.worker.runtime.InferenceException("CUDA error: an illegal memory"
                + " access was encountered", null);
        assertEquals(RuntimeCallFailure.Kind.DEVICE,
                assertThrows(RuntimeCallFailure.class, () -> pipeline.denoise(images)).kind());
        assertEquals(0, images.get(0).stepsDone(), "no failed call advanced the image");
        fakes.unetFailure = null;
        pipeline.denoise(images);
        assertEquals(1, images.get(0).stepsDone());
    }

    @Test
    void aSchedulerTheModelConfigCannotDriveFailsTheJobsNotTheWorker() throws Exception {
        SchedulerConfig unsupported = SchedulerConfig.parse("{\"thresholding\": true}");
        StableDiffusionPipeline strict = new StableDiffusionPipeline("fake", new FakeRuntimes().runtimes(), tokenizer,
                unsupported, folder.vaeScalingFactor(), folder.unetSizeMultiple(), PipelineSettings.defaults());
        List<JobResult> results = strict.generate(List.of(job("a", "a cat").build(), job("b", "a dog").build()));
        for (JobResult result : results) {
            assertFalse(result.succeeded());
            assertEquals(ErrorCode.UNSUPPORTED_SCHEDULER.code(), result.error().code());
            assertEquals(List.of(), result.images());
        }
    }

    @Test
    void chunkingAndVaeSlicingDoNotChangeImages() throws Exception {
        JobRequest eight = job("eight", "a cat").numImages(8).build();
        JobResult chunked = pipeline.generate(List.of(eight)).get(0);
        StableDiffusionPipeline oneChunk = new StableDiffusionPipeline("fake", new FakeRuntimes().runtimes(), tokenizer,
                SchedulerConfig.read(folder.schedulerConfig()), folder.vaeScalingFactor(), folder.unetSizeMultiple(),
                new PipelineSettings(8, 8));
        JobResult whole = oneChunk.generate(List.of(eight)).get(0);
        assertEquals(8, chunked.images().size());
        assertEquals(2 * 2, fakes.unetCalls, "calls of 4 images (8 items), 2 steps each");
        for (int i = 0; i < 8; i++) {
            assertEquals(i, chunked.images().get(i).index());
            assertEquals(1L + i, chunked.images().get(i).seed());
            assertArrayEquals(whole.images().get(i).image().rgb(), chunked.images().get(i).image().rgb());
        }
    }

    @Test
    void aClosedPipelineRefusesWork() {
        pipeline.close();
        pipeline.close();
        assertThrows(IllegalStateException.class, () -> pipeline.generate(List.of(job("x", "a cat").build())));
    }
}
