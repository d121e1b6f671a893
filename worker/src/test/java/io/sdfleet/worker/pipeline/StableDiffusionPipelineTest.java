package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.Stage;
import io.sdfleet.worker.image.RgbImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real pipeline on the committed tiny model: shapes, values, determinism, seeds, guidance, warnings. */
class StableDiffusionPipelineTest {
    private static StableDiffusionPipeline pipeline;

    @BeforeAll
    static void open() {
        pipeline = TinyPipeline.open(PipelineSettings.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void makesImagesOfTheRequestedSizeWithVariedUnclippedPixels() throws Exception {
        JobRequest job = TinyPipeline.job("shape", "a lighthouse at dusk", SchedulerName.PNDM, 42).build();
        JobResult result = pipeline.generate(List.of(job)).get(0);

        assertTrue(result.succeeded(), () -> "failed: " + result.error());
        assertEquals(1, result.images().size());
        RgbImage image = result.images().get(0).image();
        assertEquals(TinyPipeline.WIDTH, image.width());
        assertEquals(TinyPipeline.HEIGHT, image.height());
        int[] histogram = new int[256];
        for (byte b : image.rgb()) {
            histogram[b & 0xFF]++;
        }
        long distinct = Arrays.stream(histogram).filter(n -> n > 0).count();
        int total = image.rgb().length;
        assertTrue(distinct > 16, "only " + distinct + " distinct pixel values");
        assertTrue(histogram[0] + histogram[255] < total / 2,
                "most pixels are clipped: " + histogram[0] + " at 0, " + histogram[255] + " at 255 of " + total);
    }

    @Test
    void theSameRequestGivesByteIdenticalPngs() throws Exception {
        JobRequest job = TinyPipeline.job("again", "a bowl of ramen", SchedulerName.EULER_ANCESTRAL, 99)
                .negativePrompt("soggy").guidanceScale(6.5).build();
        byte[] first = TinyPipeline.pngs(job, pipeline.generate(List.of(job)).get(0), pipeline.modelName()).get(0);
        byte[] second = TinyPipeline.pngs(job, pipeline.generate(List.of(job)).get(0), pipeline.modelName()).get(0);
        assertArrayEquals(first, second);

        JobRequest otherSeed = job.withSeed(100);
        byte[] third = TinyPipeline.pngs(otherSeed, pipeline.generate(List.of(otherSeed)).get(0), pipeline.modelName()).get(0);
        assertFalse(Arrays.equals(first, third), "another seed made the same image");
    }

    @Test
    void imageIOfAJobUsesSeedPlusIAndEqualsASeparateJobWithThatSeed() throws Exception {
        JobRequest pair = TinyPipeline.job("pair", "two cats", SchedulerName.DDIM, 500).numImages(2).build();
        JobRequest second = TinyPipeline.job("second", "two cats", SchedulerName.DDIM, 501).build();
        JobResult pairResult = pipeline.generate(List.of(pair)).get(0);
        JobResult secondResult = pipeline.generate(List.of(second)).get(0);

        assertEquals(2, pairResult.images().size());
        assertEquals(0, pairResult.images().get(0).index());
        assertEquals(500, pairResult.images().get(0).seed());
        assertEquals(1, pairResult.images().get(1).index());
        assertEquals(501, pairResult.images().get(1).seed());
        assertArrayEquals(secondResult.images().get(0).image().rgb(), pairResult.images().get(1).image().rgb());
        assertFalse(Arrays.equals(pairResult.images().get(0).image().rgb(), pairResult.images().get(1).image().rgb()));
    }

    @Test
    void seedsWrapAt2To32() throws Exception {
        long top = ImageItems.SEED_MASK;
        JobRequest wrapping = TinyPipeline.job("wrap", "a comet", SchedulerName.EULER, top).numImages(2).build();
        JobRequest zero = TinyPipeline.job("zero", "a comet", SchedulerName.EULER, 0).build();
        JobResult wrapped = pipeline.generate(List.of(wrapping)).get(0);

        assertEquals(top, wrapped.images().get(0).seed());
        assertEquals(0, wrapped.images().get(1).seed());
        assertArrayEquals(pipeline.generate(List.of(zero)).get(0).images().get(0).image().rgb(),
                wrapped.images().get(1).image().rgb());
    }

    @Test
    void guidanceAtMostOneUsesThePromptAloneAndIgnoresTheNegativePrompt() throws Exception {
        JobRequest.Builder base = TinyPipeline.job("g1", "a snowy owl", SchedulerName.PNDM, 7).guidanceScale(1.0);
        byte[] a = pipeline.generate(List.of(base.negativePrompt("").build())).get(0).images().get(0).image().rgb();
        byte[] b = pipeline.generate(List.of(base.negativePrompt("dark, noisy").build())).get(0).images().get(0).image().rgb();
        byte[] zero = pipeline.generate(List.of(base.guidanceScale(0.0).negativePrompt("x").build())).get(0)
                .images().get(0).image().rgb();
        assertArrayEquals(a, b, "the negative prompt changed an unguided image");
        assertArrayEquals(a, zero, "scale 0 and scale 1 both mean 'no guidance' in diffusers");

        byte[] guided = pipeline.generate(List.of(base.guidanceScale(7.5).negativePrompt("dark, noisy").build())).get(0)
                .images().get(0).image().rgb();
        assertFalse(Arrays.equals(a, guided), "guidance had no effect");
    }

    @Test
    void aPromptOverSeventySevenTokensIsTruncatedWithAWarning() throws Exception {
        String longPrompt = "a very detailed painting of a castle on a hill, ".repeat(10) + "with dragons";
        JobRequest job = TinyPipeline.job("long", longPrompt, SchedulerName.PNDM, 3).build();
        JobRequest shortJob = TinyPipeline.job("short", "a castle", SchedulerName.PNDM, 3).build();
        List<JobResult> results = pipeline.generate(List.of(job, shortJob));

        JobResult result = results.get(0);
        assertTrue(result.succeeded());
        assertEquals(1, result.warnings().size(), () -> "warnings: " + result.warnings());
        String warning = result.warnings().get(0);
        assertTrue(warning.startsWith("prompt truncated: "), warning);
        assertTrue(warning.contains("tokens cut: '") && warning.endsWith("with dragons'"), warning);
        assertEquals(List.of(), results.get(1).warnings());
    }

    @Test
    void reportsTheTimeOfEveryStage() throws Exception {
        JobRequest job = TinyPipeline.job("timed", "a clock", SchedulerName.LMS, 11).build();
        JobResult result = pipeline.generate(List.of(job)).get(0);
        long busyBefore = pipeline.busyNanos();
        for (Stage stage : List.of(Stage.TOKENIZE, Stage.ENCODE, Stage.DENOISE, Stage.DECODE)) {
            assertTrue(result.timings().get(stage).isPresent(), "no timing " + stage + " in " + result.timings());
            assertTrue(!result.timings().get(stage).get().isNegative(), stage.key());
        }
        pipeline.generate(List.of(job));
        assertTrue(pipeline.busyNanos() > busyBefore, "model calls count as the device's busy time");
    }

    @Test
    void oneUNetCallTakesImagesOfOneLatentSizeOnlyAndAJobNeedsASeed() throws Exception {
        JobRequest a = TinyPipeline.job("a", "x", SchedulerName.PNDM, 1).build();
        JobRequest taller = a.toBuilder().jobId("b").height(TinyPipeline.HEIGHT * 2).build();
        List<Admission> admitted = pipeline.prepare(List.of(a, taller));
        List<Trajectory> mixed = List.of(admitted.get(0).job().trajectories().get(0),
                admitted.get(1).job().trajectories().get(0));
        assertThrows(IllegalArgumentException.class, () -> pipeline.denoise(mixed));
        assertThrows(IllegalArgumentException.class,
                () -> pipeline.generate(List.of(a.toBuilder().seed((Long) null).build())));
    }

    @Test
    void jobsOfOneSizeButOtherStepsSchedulersAndGuidanceRunAsOneStaticBatch() throws Exception {
        JobRequest a = TinyPipeline.job("a", "x", SchedulerName.PNDM, 1).build();
        JobRequest moreSteps = a.toBuilder().jobId("c").steps(TinyPipeline.STEPS + 3).build();
        JobRequest otherScheduler = a.toBuilder().jobId("d").scheduler(SchedulerName.DDIM).guidanceScale(1).build();
        List<JobResult> results = pipeline.generate(List.of(a, moreSteps, otherScheduler));
        assertTrue(results.stream().allMatch(JobResult::succeeded), results.toString());
    }

    @Test
    void anEmptyBatchGivesNoResults() throws Exception {
        assertEquals(List.of(), pipeline.generate(List.of()));
    }

    @Test
    void identifiesModelAndRuntime() {
        assertEquals("tiny-sd", pipeline.modelName());
        assertTrue(pipeline.runtimeName().startsWith("onnxruntime"), pipeline.runtimeName());
        assertEquals(PipelineSettings.DEFAULT_MAX_BATCH_IMAGES, pipeline.maxBatchImages());
    }
}
