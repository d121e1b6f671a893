package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hard requirement: a job's PNG is byte-identical whether it runs alone or inside a batch of
 * different jobs (other prompts, negative prompts, guidance scales incl. unguided, seeds incl. a wrapping one,
 * two images per job), in any position, chunked or not. Run for every scheduler, including the stochastic
 * Euler ancestral whose per-step noise must come from each image's own generator.
 */
class BatchIndependenceTest {
    private static final int SIZE = 64;
    private static final int STEPS = 4;
    /** Chunks of 4 images: the batch of 6 images below runs as 4 + 2. */
    private static StableDiffusionPipeline chunked;
    /** All 6 images in one UNet batch (12 items) and one VAE call. */
    private static StableDiffusionPipeline whole;

    @BeforeAll
    static void open() {
        chunked = TinyPipeline.open(PipelineSettings.defaults().withMaxBatchImages(4));
        whole = TinyPipeline.open(PipelineSettings.defaults().withMaxBatchImages(8).withVaeBatchImages(8));
    }

    @AfterAll
    static void close() {
        chunked.close();
        whole.close();
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void everyJobIsByteIdenticalAloneAndInABatch(SchedulerName scheduler) throws Exception {
        List<JobRequest> jobs = List.of(
                job("pair-unguided", "a lighthouse on a cliff", scheduler, 77).numImages(2).guidanceScale(1.0).build(),
                job("target", "a red fox in the snow", scheduler, 1234).negativePrompt("blurry").guidanceScale(7.5)
                        .build(),
                job("same-prompt", "a red fox in the snow", scheduler, 5).guidanceScale(3.0).build(),
                job("long-wrapping", "an intricate mosaic of tiny tiles, ".repeat(12), scheduler, 4_294_967_295L)
                        .negativePrompt("blurry").numImages(2).guidanceScale(12.0).build());

        List<String> alone = new ArrayList<>();
        for (JobRequest job : jobs) {
            alone.add(digests(job, chunked.generate(List.of(job)).get(0)));
        }
        List<JobResult> inChunkedBatch = chunked.generate(jobs);
        List<JobRequest> reversed = new ArrayList<>(jobs);
        Collections.reverse(reversed);
        List<JobResult> inWholeBatch = whole.generate(reversed);

        for (int j = 0; j < jobs.size(); j++) {
            JobRequest job = jobs.get(j);
            assertEquals(alone.get(j), digests(job, inChunkedBatch.get(j)),
                    scheduler + ": job " + job.jobId() + " changed inside a batch of 4 jobs (6 images, chunks of 4)");
            assertEquals(alone.get(j), digests(job, TinyPipeline.resultOf(inWholeBatch, job.jobId())),
                    scheduler + ": job " + job.jobId() + " changed inside the reversed batch run as one chunk");
        }
        assertTrue(inChunkedBatch.get(3).warnings().get(0).startsWith("prompt truncated"));
        assertEquals(0, inChunkedBatch.get(3).images().get(1).seed(), "seed 2^32-1 + 1 wraps to 0");
    }

    private static JobRequest.Builder job(String id, String prompt, SchedulerName scheduler, long seed) {
        return JobRequest.builder(prompt).jobId(id).size(SIZE, SIZE).steps(STEPS).scheduler(scheduler).seed(seed);
    }

    /** SHA-256 of each PNG of the result, so a failure message stays short. */
    private static String digests(JobRequest job, JobResult result) throws Exception {
        assertTrue(result.succeeded(), () -> job.jobId() + " failed: " + result.error());
        assertEquals(job.numImages(), result.images().size());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<String> hashes = new ArrayList<>();
        for (byte[] png : TinyPipeline.pngs(job, result, chunked.modelName())) {
            hashes.add(HexFormat.of().formatHex(sha.digest(png)));
        }
        return String.join(",", hashes);
    }
}
