package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.image.A1111Parameters;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.TinyModelFiles;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The committed tiny model behind the real pipeline, and helpers to build jobs and encode their images. */
public final class TinyPipeline {
    /** Small sizes and few steps keep the tests fast; 128x64 is deliberately not square. */
    public static final int WIDTH = 128;
    public static final int HEIGHT = 64;
    public static final int STEPS = 4;

    private static final PngEncoder PNG = new PngEncoder();

    private TinyPipeline() {
    }

    public static ModelFolder folder() {
        try {
            return ModelFolder.load(TinyModelFiles.tinyModel());
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    private static io.sdfleet.common.tokenizer.ClipTokenizer tokenizer;

    /** The tiny model's tokenizer, loaded once (reading the 49,408-entry vocabulary takes a while). */
    public static synchronized io.sdfleet.common.tokenizer.ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = io.sdfleet.common.tokenizer.ClipTokenizer.fromDirectory(folder().tokenizerDir());
        }
        return tokenizer;
    }

    public static StableDiffusionPipeline open(PipelineSettings settings) {
        try {
            return StableDiffusionPipeline.open(folder(), RuntimeSettings.defaults(), settings);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A job of the shared test shape. */
    public static JobRequest.Builder job(String id, String prompt, SchedulerName scheduler, long seed) {
        return JobRequest.builder(prompt).jobId(id).size(WIDTH, HEIGHT).steps(STEPS).scheduler(scheduler).seed(seed);
    }

    /** Each image of a result as the PNG the worker stores (with its A1111 parameters text). */
    public static List<byte[]> pngs(JobRequest job, JobResult result, String modelName) {
        List<byte[]> files = new ArrayList<>();
        for (GeneratedImage image : result.images()) {
            String parameters = A1111Parameters.format(JobImageParameters.of(job, image, modelName));
            files.add(PNG.encode(image.image(), Map.of(A1111Parameters.PNG_KEYWORD, parameters)));
        }
        return files;
    }

    /** Runs {@code jobs} and returns the result of the job with id {@code jobId}. */
    public static JobResult resultOf(List<JobResult> results, String jobId) {
        return results.stream().filter(r -> r.jobId().equals(jobId)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + jobId));
    }
}
