package io.sdfleet.local.it.worker;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.TimingKeys;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.pipeline.BatchPipeline;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for the diffusion pipeline: image {@code i} of a job is noise drawn from
 * (seed + i, hash of the prompt), so the same request gives the same bytes and different ones differ.
 *
 * <p>Knobs: {@code sleepPerBatch} (how long the "device" is busy per call, to make batches slow) and
 * {@code failOnPrompt} (a job whose prompt contains it fails for its own reasons with {@link #FAILURE_CODE}).
 * Called from the device thread only; the counters are atomic so tests can read them.
 */
public final class FakePipeline implements BatchPipeline {

    public static final String FAILURE_CODE = "TEST_PROMPT_REFUSED";
    public static final String MODEL = "fake-sd";
    public static final String RUNTIME = "fake/cpu";

    private final Duration sleepPerBatch;
    private final String failOnPrompt;
    private final int maxBatchImages;
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger jobs = new AtomicInteger();

    public FakePipeline(Duration sleepPerBatch, String failOnPrompt, int maxBatchImages) {
        this.sleepPerBatch = sleepPerBatch;
        this.failOnPrompt = failOnPrompt;
        this.maxBatchImages = maxBatchImages;
    }

    @Override
    public List<JobResult> run(List<JobRequest> batch) {
        batches.incrementAndGet();
        jobs.addAndGet(batch.size());
        if (!sleepPerBatch.isZero()) {
            try {
                Thread.sleep(sleepPerBatch.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<JobResult> out = new ArrayList<>();
        for (JobRequest job : batch) {
            Map<String, Double> timings = Map.of(TimingKeys.DENOISE, (double) sleepPerBatch.toMillis());
            if (failOnPrompt != null && job.prompt().contains(failOnPrompt)) {
                out.add(new JobResult(job.jobId(), List.of(), List.of(), timings,
                        new ErrorInfo(FAILURE_CODE, "the test pipeline refuses prompts with '" + failOnPrompt + "'")));
                continue;
            }
            List<GeneratedImage> images = new ArrayList<>();
            for (int i = 0; i < job.numImages(); i++) {
                long seed = job.seed() + i;
                images.add(new GeneratedImage(i, seed, image(job.width(), job.height(), seed, job.prompt())));
            }
            out.add(new JobResult(job.jobId(), images, List.of(), timings, null));
        }
        return out;
    }

    static RgbImage image(int width, int height, long seed, String prompt) {
        long state = seed * 0x9E3779B97F4A7C15L
                ^ java.util.Arrays.hashCode(prompt.getBytes(StandardCharsets.UTF_8));
        byte[] rgb = new byte[width * height * RgbImage.BYTES_PER_PIXEL];
        for (int i = 0; i < rgb.length; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L; // Knuth's MMIX LCG
            rgb[i] = (byte) (state >>> 56);
        }
        return new RgbImage(width, height, rgb);
    }

    /** Calls to {@link #run} so far. */
    public int batches() {
        return batches.get();
    }

    /** Jobs run so far (counting repeats). */
    public int jobs() {
        return jobs.get();
    }

    @Override
    public String modelName() {
        return MODEL;
    }

    @Override
    public String runtimeName() {
        return RUNTIME;
    }

    @Override
    public int maxBatchImages() {
        return maxBatchImages;
    }

    @Override
    public void close() {
    }
}
