package io.sdfleet.worker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.device.DeviceSettings.Batching;
import io.sdfleet.worker.image.A1111Parameters;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobImageParameters;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.pipeline.TinyPipeline;
import io.sdfleet.worker.store.JobOutcome;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Step-level batching changes no byte, on the real tiny model and CPU ONNX Runtime, for all eight schedulers: a
 * job's PNGs are the same when it runs alone, inside a static batch, and when it joins mid-flight a running set
 * of other jobs at other steps, with other schedulers, step counts, guidance scales (one unguided), seeds and
 * image counts, and leaves it while they go on. What makes it hold: each image has its own scheduler, generator
 * and guidance, and the UNet treats every item (at its own timestep) independently of the others.
 */
class StepLevelExactnessTest {
    private static final PngEncoder PNG = new PngEncoder();
    private static StableDiffusionPipeline pipeline;

    @BeforeAll
    static void open() {
        pipeline = TinyPipeline.open(PipelineSettings.defaults().withMaxBatchImages(8).withVaeBatchImages(2));
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static JobRequest.Builder job(String id, SchedulerName scheduler, int steps, long seed) {
        return JobRequest.builder("a red fox in the snow, " + id).jobId(id).size(64, 64).steps(steps)
                .scheduler(scheduler).seed(seed);
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void aJobIsByteIdenticalAloneInAStaticBatchAndJoinedMidFlight(SchedulerName scheduler) throws Exception {
        JobRequest target = job("target", scheduler, 5, 1234).negativePrompt("blurry").guidanceScale(7.5)
                .numImages(2).build();
        String alone = digests(target, pipeline.generate(List.of(target)).get(0).images());

        // A static batch: the same key, other prompts, seeds and guidance.
        DeviceHarness statically = new DeviceHarness(pipeline, Batching.STATIC, 8, 8);
        statically.add(job("same-key-a", scheduler, 5, 99).guidanceScale(3).build());
        statically.add(target);
        statically.add(job("same-key-b", scheduler, 5, 4_294_967_295L).guidanceScale(1).build());
        statically.clock.advance(java.time.Duration.ofMillis(50));
        statically.runUntilIdle();
        assertEquals(3, statically.outcomes.size());
        assertEquals(alone, digests(target, statically.outcome("target")), scheduler + ": changed in a static batch");

        // Continuous: three other jobs run; the target joins after three calls, while they are mid-trajectory.
        DeviceHarness continuously = new DeviceHarness(pipeline, Batching.CONTINUOUS, 8, 1);
        SchedulerName other = SchedulerName.values()[(scheduler.ordinal() + 3) % SchedulerName.values().length];
        continuously.add(job("long-other", other, 12, 5).guidanceScale(12).build());
        continuously.add(job("unguided", SchedulerName.EULER_ANCESTRAL, 8, 6).guidanceScale(1).numImages(2).build());
        continuously.add(job("short", SchedulerName.DDIM, 4, 7).negativePrompt("dark").build());
        continuously.turns(3);
        continuously.add(target);
        continuously.runUntilIdle();
        assertEquals(4, continuously.outcomes.size(), continuously.outcomeIds().toString());
        assertTrue(continuously.outcomes.stream().allMatch(o -> o.status() == CompletionStatus.SUCCEEDED));
        assertTrue(continuously.outcome("target").batchJobs() >= 2, "it shared UNet calls");
        assertEquals(alone, digests(target, continuously.outcome("target")),
                scheduler + ": changed when it joined a running set mid-flight");
        // The others, too, are what they would be alone.
        for (JobOutcome o : continuously.outcomes) {
            JobRequest request = o.job().request();
            JobResult solo = pipeline.generate(List.of(request)).get(0);
            assertEquals(digests(request, solo.images()), digests(request, o), request.jobId());
        }
    }

    private static String digests(JobRequest job, JobOutcome outcome) throws Exception {
        assertEquals(CompletionStatus.SUCCEEDED, outcome.status(), () -> job.jobId() + ": " + outcome.error());
        return digests(job, outcome.images());
    }

    /** SHA-256 of each image as the PNG the worker stores (with its parameters text). */
    private static String digests(JobRequest job, List<GeneratedImage> images) throws Exception {
        assertEquals(job.numImages(), images.size());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<String> hashes = new ArrayList<>();
        for (GeneratedImage image : images) {
            String parameters = A1111Parameters.format(JobImageParameters.of(job, image, pipeline.modelName()));
            hashes.add(HexFormat.of().formatHex(sha.digest(PNG.encode(image.image(),
                    Map.of(A1111Parameters.PNG_KEYWORD, parameters)))));
        }
        return String.join(",", hashes);
    }
}
